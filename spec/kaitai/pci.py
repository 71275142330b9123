# This is a generated file! Please edit source .ksy file and use kaitai-struct-compiler to rebuild
# type: ignore

import kaitaistruct
from kaitaistruct import KaitaiStruct, KaitaiStream, BytesIO


if getattr(kaitaistruct, 'API_VERSION', (0, 9)) < (0, 11):
    raise Exception("Incompatible Kaitai Struct Python API: 0.11 or later is required, but you have %s" % (kaitaistruct.__version__))

class Pci(KaitaiStruct):
    """Structure of a .pci file as specified in spec/SPEC.md. Kaitai describes the layout only:
    the CRC, the part order, the limits and the canonical-varint rule are checked by a
    reader as SPEC.md requires, not by this description.
    """
    def __init__(self, _io, _parent=None, _root=None):
        super(Pci, self).__init__(_io)
        self._parent = _parent
        self._root = _root or self
        self._read()

    def _read(self):
        self.magic = self._io.read_bytes(8)
        if not self.magic == b"\x8A\x50\x43\x49\x0D\x0A\x1A\x0A":
            raise kaitaistruct.ValidationNotEqualError(b"\x8A\x50\x43\x49\x0D\x0A\x1A\x0A", self.magic, self._io, u"/seq/0")
        self.major = self._io.read_u1()
        if not self.major == 1:
            raise kaitaistruct.ValidationNotEqualError(1, self.major, self._io, u"/seq/1")
        self.minor = self._io.read_u1()
        self.header = Pci.Header(self._io, self, self._root)
        self._raw_parts = self._io.read_bytes((self._io.size() - self._io.pos()) - 4)
        _io__raw_parts = KaitaiStream(BytesIO(self._raw_parts))
        self.parts = Pci.Parts(_io__raw_parts, self, self._root)
        self.crc32 = self._io.read_u4be()


    def _fetch_instances(self):
        pass
        self.header._fetch_instances()
        self.parts._fetch_instances()

    class Blob(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Blob, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.len_data = Pci.Varint(self._io, self, self._root)
            self.data = self._io.read_bytes(self.len_data.value)


        def _fetch_instances(self):
            pass
            self.len_data._fetch_instances()


    class Descriptor(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Descriptor, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.kind = Pci.Varint(self._io, self, self._root)
            self.version = self._io.read_u1()
            self.quant = self._io.read_u1()
            self.payload = Pci.Blob(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.kind._fetch_instances()
            self.payload._fetch_instances()


    class Descriptors(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Descriptors, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.count = self._io.read_u1()
            self.entries = []
            for i in range(self.count):
                self.entries.append(Pci.Descriptor(self._io, self, self._root))



        def _fetch_instances(self):
            pass
            for i in range(len(self.entries)):
                pass
                self.entries[i]._fetch_instances()



    class Digest(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Digest, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.algorithm = self._io.read_u1()
            self.value = self._io.read_bytes_full()


        def _fetch_instances(self):
            pass


    class Encoder(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Encoder, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.name = Pci.Text(self._io, self, self._root)
            self.version = Pci.Text(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.name._fetch_instances()
            self.version._fetch_instances()


    class Header(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Header, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.width = Pci.Varint(self._io, self, self._root)
            self.height = Pci.Varint(self._io, self, self._root)
            self.colour = self._io.read_u1()
            self.seed = Pci.Varint(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.width._fetch_instances()
            self.height._fetch_instances()
            self.seed._fetch_instances()


    class KeyValue(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.KeyValue, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.key = Pci.Text(self._io, self, self._root)
            self.value = Pci.Text(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.key._fetch_instances()
            self.value._fetch_instances()


    class Metadata(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Metadata, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.count = self._io.read_u1()
            self.entries = []
            for i in range(self.count):
                self.entries.append(Pci.KeyValue(self._io, self, self._root))



        def _fetch_instances(self):
            pass
            for i in range(len(self.entries)):
                pass
                self.entries[i]._fetch_instances()



    class ModelEntry(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.ModelEntry, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.role = self._io.read_u1()
            self.form = self._io.read_u1()
            if self.form == 0:
                pass
                self.code = Pci.Varint(self._io, self, self._root)

            if self.form >= 1:
                pass
                self.model_id = Pci.Text(self._io, self, self._root)

            if self.form >= 1:
                pass
                self.revision = Pci.Text(self._io, self, self._root)

            if self.form == 2:
                pass
                self.digest = self._io.read_bytes(32)



        def _fetch_instances(self):
            pass
            if self.form == 0:
                pass
                self.code._fetch_instances()

            if self.form >= 1:
                pass
                self.model_id._fetch_instances()

            if self.form >= 1:
                pass
                self.revision._fetch_instances()

            if self.form == 2:
                pass



    class Models(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Models, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.count = self._io.read_u1()
            self.entries = []
            for i in range(self.count):
                self.entries.append(Pci.ModelEntry(self._io, self, self._root))



        def _fetch_instances(self):
            pass
            for i in range(len(self.entries)):
                pass
                self.entries[i]._fetch_instances()



    class Part(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Part, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.part_type = self._io.read_u1()
            self.len_body = Pci.Varint(self._io, self, self._root)
            _on = self.part_type
            if _on == 1:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Models(_io__raw_body, self, self._root)
            elif _on == 129:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Encoder(_io__raw_body, self, self._root)
            elif _on == 130:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Digest(_io__raw_body, self, self._root)
            elif _on == 193:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Metadata(_io__raw_body, self, self._root)
            elif _on == 194:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Source(_io__raw_body, self, self._root)
            elif _on == 2:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Recipe(_io__raw_body, self, self._root)
            elif _on == 3:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Descriptors(_io__raw_body, self, self._root)
            elif _on == 4:
                pass
                self._raw_body = self._io.read_bytes(self.len_body.value)
                _io__raw_body = KaitaiStream(BytesIO(self._raw_body))
                self.body = Pci.Prompt(_io__raw_body, self, self._root)
            else:
                pass
                self.body = self._io.read_bytes(self.len_body.value)


        def _fetch_instances(self):
            pass
            self.len_body._fetch_instances()
            _on = self.part_type
            if _on == 1:
                pass
                self.body._fetch_instances()
            elif _on == 129:
                pass
                self.body._fetch_instances()
            elif _on == 130:
                pass
                self.body._fetch_instances()
            elif _on == 193:
                pass
                self.body._fetch_instances()
            elif _on == 194:
                pass
                self.body._fetch_instances()
            elif _on == 2:
                pass
                self.body._fetch_instances()
            elif _on == 3:
                pass
                self.body._fetch_instances()
            elif _on == 4:
                pass
                self.body._fetch_instances()
            else:
                pass


    class Parts(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Parts, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.entries = []
            i = 0
            while not self._io.is_eof():
                self.entries.append(Pci.Part(self._io, self, self._root))
                i += 1



        def _fetch_instances(self):
            pass
            for i in range(len(self.entries)):
                pass
                self.entries[i]._fetch_instances()



    class Prompt(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Prompt, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.codec = self._io.read_u1()
            if self.codec != 0:
                pass
                self.decoded_length = Pci.Varint(self._io, self, self._root)

            self.data = self._io.read_bytes_full()


        def _fetch_instances(self):
            pass
            if self.codec != 0:
                pass
                self.decoded_length._fetch_instances()



    class Recipe(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Recipe, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.steps = Pci.Varint(self._io, self, self._root)
            self.strength_permille = Pci.Varint(self._io, self, self._root)
            self.guidance_tenths = Pci.Varint(self._io, self, self._root)
            self.scheduler = self._io.read_u1()
            self.work_width = Pci.Varint(self._io, self, self._root)
            self.work_height = Pci.Varint(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.steps._fetch_instances()
            self.strength_permille._fetch_instances()
            self.guidance_tenths._fetch_instances()
            self.work_width._fetch_instances()
            self.work_height._fetch_instances()


    class Source(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Source, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.format = Pci.Text(self._io, self, self._root)
            self.size = Pci.Varint(self._io, self, self._root)


        def _fetch_instances(self):
            pass
            self.format._fetch_instances()
            self.size._fetch_instances()


    class Text(KaitaiStruct):
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Text, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.len_value = Pci.Varint(self._io, self, self._root)
            self.value = (self._io.read_bytes(self.len_value.value)).decode(u"UTF-8")


        def _fetch_instances(self):
            pass
            self.len_value._fetch_instances()


    class Varint(KaitaiStruct):
        """Unsigned LEB128, least significant group first, at most 10 bytes."""
        def __init__(self, _io, _parent=None, _root=None):
            super(Pci.Varint, self).__init__(_io)
            self._parent = _parent
            self._root = _root
            self._read()

        def _read(self):
            self.groups = []
            i = 0
            while True:
                _ = Pci.Varint.Group(self._io, self, self._root)
                self.groups.append(_)
                if  (((not (_.has_next))) or (i >= 9)) :
                    break
                i += 1


        def _fetch_instances(self):
            pass
            for i in range(len(self.groups)):
                pass
                self.groups[i]._fetch_instances()


        class Group(KaitaiStruct):
            def __init__(self, _io, _parent=None, _root=None):
                super(Pci.Varint.Group, self).__init__(_io)
                self._parent = _parent
                self._root = _root
                self._read()

            def _read(self):
                self.has_next = self._io.read_bits_int_be(1) != 0
                self.value = self._io.read_bits_int_be(7)


            def _fetch_instances(self):
                pass


        @property
        def value(self):
            if hasattr(self, '_m_value'):
                return self._m_value

            self._m_value = ((((((((self.groups[0].value + (self.groups[1].value << 7 if len(self.groups) >= 2 else 0)) + (self.groups[2].value << 14 if len(self.groups) >= 3 else 0)) + (self.groups[3].value << 21 if len(self.groups) >= 4 else 0)) + (self.groups[4].value << 28 if len(self.groups) >= 5 else 0)) + (self.groups[5].value << 35 if len(self.groups) >= 6 else 0)) + (self.groups[6].value << 42 if len(self.groups) >= 7 else 0)) + (self.groups[7].value << 49 if len(self.groups) >= 8 else 0)) + (self.groups[8].value << 56 if len(self.groups) >= 9 else 0)) + (self.groups[9].value << 63 if len(self.groups) >= 10 else 0)
            return getattr(self, '_m_value', None)




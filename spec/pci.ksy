meta:
  id: pci
  title: Prompt-compressed image (.pci), version 1.x container
  file-extension: pci
  xref:
    mime: image/x-pci
  license: MIT
  endian: be
doc: |
  Structure of a .pci file as specified in spec/SPEC.md. Kaitai describes the layout only:
  the CRC, the part order, the limits and the canonical-varint rule are checked by a
  reader as SPEC.md requires, not by this description.
seq:
  - id: magic
    contents: [0x8a, 0x50, 0x43, 0x49, 0x0d, 0x0a, 0x1a, 0x0a]
  - id: major
    type: u1
    valid: 1
  - id: minor
    type: u1
  - id: header
    type: header
  - id: parts
    type: parts
    size: _io.size - _io.pos - 4
  - id: crc32
    type: u4
    doc: CRC-32 (zlib) of every byte before it
types:
  header:
    seq:
      - id: width
        type: varint
      - id: height
        type: varint
      - id: colour
        type: u1
      - id: seed
        type: varint
  parts:
    seq:
      - id: entries
        type: part
        repeat: eos
  part:
    seq:
      - id: part_type
        type: u1
      - id: len_body
        type: varint
      - id: body
        size: len_body.value
        type:
          switch-on: part_type
          cases:
            0x01: models
            0x02: recipe
            0x03: descriptors
            0x04: prompt
            0x81: encoder
            0x82: digest
            0xc1: metadata
            0xc2: source
  models:
    seq:
      - id: count
        type: u1
      - id: entries
        type: model_entry
        repeat: expr
        repeat-expr: count
  model_entry:
    seq:
      - id: role
        type: u1
      - id: form
        type: u1
      - id: code
        type: varint
        if: form == 0
      - id: model_id
        type: text
        if: form >= 1
      - id: revision
        type: text
        if: form >= 1
      - id: digest
        size: 32
        if: form == 2
  recipe:
    seq:
      - id: steps
        type: varint
      - id: strength_permille
        type: varint
      - id: guidance_tenths
        type: varint
      - id: scheduler
        type: u1
      - id: work_width
        type: varint
      - id: work_height
        type: varint
  descriptors:
    seq:
      - id: count
        type: u1
      - id: entries
        type: descriptor
        repeat: expr
        repeat-expr: count
  descriptor:
    seq:
      - id: kind
        type: varint
      - id: version
        type: u1
      - id: quant
        type: u1
      - id: payload
        type: blob
  prompt:
    seq:
      - id: codec
        type: u1
      - id: decoded_length
        type: varint
        if: codec != 0
      - id: data
        size-eos: true
  encoder:
    seq:
      - id: name
        type: text
      - id: version
        type: text
  digest:
    seq:
      - id: algorithm
        type: u1
      - id: value
        size-eos: true
  metadata:
    seq:
      - id: count
        type: u1
      - id: entries
        type: key_value
        repeat: expr
        repeat-expr: count
  key_value:
    seq:
      - id: key
        type: text
      - id: value
        type: text
  source:
    seq:
      - id: format
        type: text
      - id: size
        type: varint
  blob:
    seq:
      - id: len_data
        type: varint
      - id: data
        size: len_data.value
  text:
    seq:
      - id: len_value
        type: varint
      - id: value
        type: str
        size: len_value.value
        encoding: UTF-8
  varint:
    doc: Unsigned LEB128, least significant group first, at most 10 bytes.
    seq:
      - id: groups
        type: group
        repeat: until
        repeat-until: not _.has_next or _index >= 9
    instances:
      value:
        value: >-
          groups[0].value
          + (groups.size >= 2 ? groups[1].value << 7 : 0)
          + (groups.size >= 3 ? groups[2].value << 14 : 0)
          + (groups.size >= 4 ? groups[3].value << 21 : 0)
          + (groups.size >= 5 ? groups[4].value << 28 : 0)
          + (groups.size >= 6 ? groups[5].value << 35 : 0)
          + (groups.size >= 7 ? groups[6].value << 42 : 0)
          + (groups.size >= 8 ? groups[7].value << 49 : 0)
          + (groups.size >= 9 ? groups[8].value << 56 : 0)
          + (groups.size >= 10 ? groups[9].value << 63 : 0)
    types:
      group:
        seq:
          - id: has_next
            type: b1
          - id: value
            type: b7

// pci.mjs: a dependency-free decoder of .pci files (format 1.x, file and bare form) with the
// embedded generator pcimg/parametric, for browsers and node. Written from spec/SPEC.md and
// spec/CODEC.md; it decodes descriptor kinds 1, 2, 3 (versions 1 and 2), 5 (versions 1-3) and 4 (and files
// without descriptors), pixel-identical to pcimg. decode(bytes, { width, height, detail: false }) gives the base
// layer (no kind-2 detail); { bare: true } reads the bare form, fromBase64url its text.
// Integers: every value stays below 2^53, so plain numbers are exact; shifts of values that
// may pass 32 bits are written as floor divisions.
//
//   import { decode } from "./pci.mjs";
//   const { width, height, channels, data } = decode(bytes, { width: 64, height: 43 });
//
//   node web/pci.mjs IN.pci OUT.ppm [WIDTHxHEIGHT] [--bare [--text]]   (binary PPM: P6, or P5 for grey)

export class PciError extends Error {
  constructor(reason, field, offset) {
    super(`${reason} (field ${field}${offset === undefined ? "" : `, offset ${offset}`})`);
    this.reason = reason;
    this.field = field;
    this.offset = offset;
  }
}

const SIGNATURE = [0x8a, 0x50, 0x43, 0x49, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_DIMENSION = 16384;
const KNOWN_CRITICAL = new Set([0x01, 0x02, 0x03, 0x04]);
const DESCRIPTORS = 0x03;
const floorDiv = (a, b) => Math.floor(a / b);

// ---------------------------------------------------------------- container (SPEC.md 3-6)

let crcTable = null;
function crc32(bytes, end) {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

class Reader {
  bigVarint(field) {
    const start = this.pos;
    let value = 0n;
    for (let i = 0; ; i++) {
      if (i >= 10) throw new PciError("varint longer than 10 bytes", field, start);
      const b = this.u8(field);
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (!(b & 0x80)) {
        if (b === 0 && i > 0) throw new PciError("non-canonical varint", field, start);
        if (value >= 1n << 64n) throw new PciError("varint of 2^64 or more", field, start);
        return value;
      }
    }
  }

  constructor(bytes, start, end, field) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.field = field;
  }
  u8(field) {
    if (this.pos >= this.end) throw new PciError("field cut short", field, this.end);
    return this.bytes[this.pos++];
  }
  varint(field, maxBytes = 10) {
    const start = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) throw new PciError(`varint longer than ${maxBytes} bytes`, field, start);
      const b = this.u8(field);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) {
        if (b === 0 && i > 0) throw new PciError("non-canonical varint", field, start);
        return value; // past 2^53 this loses precision: the seed is read with bigVarint instead
      }
    }
  }
}

/** The container's fields this decoder needs: geometry, colour and the descriptor entries.
 * { bare: true } reads the bare form (SPEC.md 5.5): no signature, no CRC, a head byte. */
export function parse(bytes, { bare = false } = {}) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (bare) return parseBare(bytes);
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (i >= bytes.length || bytes[i] !== SIGNATURE[i]) throw new PciError("bad signature", "signature", i);
  }
  if (bytes.length < 10) throw new PciError("file ends in the version", "version", bytes.length);
  if (bytes[8] !== 1) throw new PciError(`major version ${bytes[8]} is not 1`, "version.major", 8);
  if (bytes.length < 15) throw new PciError("file too short", "header", bytes.length);
  const crcAt = bytes.length - 4;
  const stored = ((bytes[crcAt] << 24) | (bytes[crcAt + 1] << 16) | (bytes[crcAt + 2] << 8) | bytes[crcAt + 3]) >>> 0;
  if (crc32(bytes, crcAt) !== stored) throw new PciError("CRC mismatch", "crc", crcAt);
  const r = new Reader(bytes, 10, crcAt);
  const [width, height] = readSize(r);
  const colourAt = r.pos;
  const colour = readColour(r.u8("header.colour"), colourAt);
  const seed = r.bigVarint("header.seed");
  const file = { width, height, colour, seed, minorVersion: bytes[9], descriptors: [], hasPrompt: false };
  readParts(r, file);
  return file;
}

function readSize(r) {
  const widthAt = r.pos;
  const width = r.varint("header.width");
  if (width < 1 || width > MAX_DIMENSION) throw new PciError(`width ${width} outside 1..${MAX_DIMENSION}`, "header.width", widthAt);
  const heightAt = r.pos;
  const height = r.varint("header.height");
  if (height < 1 || height > MAX_DIMENSION) throw new PciError(`height ${height} outside 1..${MAX_DIMENSION}`, "header.height", heightAt);
  return [width, height];
}

function readColour(code, at) {
  if (code > 1) throw new PciError(`colour code ${code} unknown`, "header.colour", at);
  return code === 0 ? "rgb" : "grey";
}

/** Parts up to r.end (the CRC, or the end of bare data), in ascending type order. */
function readParts(r, file) {
  let previous = -1;
  while (r.pos < r.end) {
    const typeAt = r.pos;
    const type = r.u8("part.type");
    if (type <= previous) throw new PciError(`part 0x${type.toString(16)} out of order or repeated`, "part.type", typeAt);
    if (!(type & 0x80) && !KNOWN_CRITICAL.has(type)) throw new PciError(`unknown critical part 0x${type.toString(16)}`, "part.type", typeAt);
    previous = type;
    const lengthAt = r.pos;
    const length = r.varint("part.length", 4);
    if (length > r.end - r.pos) throw new PciError("part length runs past the end", "part.length", lengthAt);
    const start = r.pos;
    r.pos += length;
    if (type === DESCRIPTORS) file.descriptors = parseDescriptors(r.bytes, start, start + length);
    if (type === 0x04) file.hasPrompt = true;
    file.parts = (file.parts ?? 0) + 1;
  }
  if (!file.descriptors.length && !file.hasPrompt) throw new PciError("file has neither a prompt nor descriptors", "parts", r.end);
}

function parseBare(bytes) {
  if (!bytes.length) throw new PciError("empty bare data", "version", 0);
  const head = bytes[0];
  if ((head >> 6) !== 0) throw new PciError(`major version ${(head >> 6) + 1} is not 1`, "version.major", 0);
  const r = new Reader(bytes, 1, bytes.length);
  const [width, height] = readSize(r);
  let colour = "rgb", seed = 0n;
  if (head & 0x04) {
    const at = r.pos;
    const code = r.u8("header.colour");
    if (code === 0) throw new PciError("colour rgb is stored by a clear colour flag", "header.colour", at);
    colour = readColour(code, at);
  }
  if (head & 0x02) {
    const at = r.pos;
    seed = r.bigVarint("header.seed");
    if (seed === 0n) throw new PciError("seed 0 is stored by a clear seed flag", "header.seed", at);
  }
  const file = { width, height, colour, seed, minorVersion: (head >> 3) & 7, descriptors: [], hasPrompt: false };
  const bodyAt = r.pos;
  if (head & 0x01) {
    readParts(r, file);
    const [d] = file.descriptors;
    if (file.parts === 1 && file.descriptors.length === 1 && d.kind <= 31 && d.version <= 7) {
      throw new PciError("a lone descriptor entry must use the single-descriptor body", "parts", bodyAt);
    }
    return file;
  }
  const entry = r.u8("descriptors.kind");
  if (entry >> 3 === 0) throw new PciError("descriptor kind 0", "descriptors.kind", bodyAt);
  const quant = r.u8("descriptors.quant");
  if (bytes.length - r.pos > 65536) throw new PciError("payload over max_descriptor_bytes", "descriptors.payload", r.pos);
  file.descriptors = [{ kind: entry >> 3, version: entry & 7, quant, offset: bodyAt, versionAt: bodyAt, quantAt: bodyAt + 1,
    payloadAt: bodyAt + 2, payload: bytes.subarray(bodyAt + 2) }];
  return file;
}

/** Unpadded base64url text (the bare form's text, SPEC.md 5.5) to bytes; anything else is an error. */
export function fromBase64url(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (text.length % 4 === 1) throw new PciError("base64url text of 4n+1 characters", "text", text.length - 1);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = alphabet.indexOf(text[i]);
    if (v < 0) throw new PciError(`${JSON.stringify(text[i])} is not a base64url character`, "text", i);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (acc & ((1 << bits) - 1)) throw new PciError("non-zero unused bits in the last character", "text", text.length - 1);
  return out;
}

function parseDescriptors(bytes, start, end) {
  const r = new Reader(bytes, start, end);
  const count = r.u8("descriptors.count");
  if (count < 1 || count > 8) throw new PciError(`descriptor count ${count} outside 1..8`, "descriptors", start);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const offset = r.pos;
    const kind = r.varint("descriptors.kind");
    if (entries.length && kind <= entries[entries.length - 1].kind) throw new PciError("descriptor kinds not ascending", "descriptors.kind", offset);
    const versionAt = r.pos;
    const version = r.u8("descriptors.version");
    const quant = r.u8("descriptors.quant");
    const lengthAt = r.pos;
    const length = r.varint("descriptors.payload");
    if (length > end - r.pos) throw new PciError("descriptor payload runs past its part", "descriptors.payload", lengthAt);
    const payloadAt = r.pos;
    entries.push({ kind, version, quant, offset, versionAt, quantAt: versionAt + 1, payloadAt, payload: bytes.subarray(payloadAt, payloadAt + length) });
    r.pos += length;
  }
  if (r.pos !== end) throw new PciError("bytes after the last descriptor", "descriptors", r.pos);
  return entries;
}

// ---------------------------------------------------------------- range decoder (CODEC.md 1)

/** Thrown by a decoder of a cut stream (CODEC.md 11.4) when it would read past the end. */
class Exhausted extends Error {}

class RangeDecoder {
  constructor(data, cut = false) {
    this.data = data;
    this.cut = cut;
    this.pos = 0;
    this.range = 0xffffffff;
    this.code = 0;
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }
  next() {
    if (this.pos < this.data.length) return this.data[this.pos++];
    if (this.cut) throw new Exhausted();
    this.pos++;
    return 0;
  }
  normalise() {
    while (this.range < 0x1000000) {
      this.range *= 256;
      this.code = (this.code * 256 + this.next()) % 4294967296;
    }
  }
  bit(probs, index) {
    const p = probs[index];
    const bound = Math.floor(this.range / 2048) * p;
    let bit;
    if (this.code < bound) {
      this.range = bound;
      probs[index] = p + ((2048 - p) >> 5);
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      probs[index] = p - (p >> 5);
      bit = 1;
    }
    this.normalise();
    return bit;
  }
  direct(n) {
    let value = 0;
    for (let i = 0; i < n; i++) {
      this.range = Math.floor(this.range / 2);
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      value = value * 2 + bit;
      this.normalise();
    }
    return value;
  }
  prefix(ctx) {
    let k = 0;
    while (this.bit(ctx, Math.min(k, ctx.length - 1))) {
      k++;
      if (k > 24) throw new Error("integer prefix longer than 24 bits");
    }
    return k;
  }
  uint(ctx) {
    const k = this.prefix(ctx);
    return 2 ** k - 1 + (k ? this.direct(k) : 0);
  }
}

// ---------------------------------------------------------------- kind 3 (CODEC.md 8)

const P16 = [4096, 4277, 4467, 4664, 4871, 5087, 5312, 5547, 5793, 6049, 6317, 6597, 6889, 7194, 7512, 7845];
const CLAMP = 2 ** 20;
const NEIGHBOUR_CLASS = [0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4];

function levelsFor(w, h) {
  let n = 0;
  while (n < 6 && Math.floor(Math.min(w, h) / 2 ** (n + 1)) >= 3) n++;
  return n;
}

/** [LL, [HL, LH, HH] coarsest first, ...] as {rows, cols, v: Float64Array}. */
function emptyBands(w, h) {
  const L = levelsFor(w, h);
  const sizes = [[w, h]];
  for (let k = 0; k < L; k++) sizes.push([Math.ceil(sizes[k][0] / 2), Math.ceil(sizes[k][1] / 2)]);
  const band = (rows, cols) => ({ rows, cols, v: new Float64Array(rows * cols) });
  const bands = [band(sizes[L][1], sizes[L][0])];
  for (let k = L; k >= 1; k--) {
    const [pw, ph] = sizes[k - 1];
    const lw = Math.ceil(pw / 2), hw = Math.floor(pw / 2), lh = Math.ceil(ph / 2), hh = Math.floor(ph / 2);
    bands.push([band(lh, hw), band(hh, lw), band(hh, hw)]);
  }
  return bands;
}

function contexts(table) {
  const copy = {};
  for (const [name, value] of Object.entries(table)) copy[name] = Array.isArray(value[0]) ? value.map((row) => row.slice()) : value.slice();
  return copy;
}

function decodeLL(dec, ctx, band) {
  const { rows, cols, v } = band;
  let prev = 0;
  band.read = 0; // how many values are decoded (a cut kind-5 stream may stop inside the band)
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let pred;
      if (y === 0) pred = x === 0 ? 0 : v[x - 1];
      else if (x === 0) pred = v[(y - 1) * cols];
      else {
        const a = v[y * cols + x - 1], b = v[(y - 1) * cols + x], c = v[(y - 1) * cols + x - 1];
        pred = c >= Math.max(a, b) ? Math.min(a, b) : c <= Math.min(a, b) ? Math.max(a, b) : a + b - c;
      }
      const z = Math.min(prev, 2);
      let r = 0;
      if (dec.bit(ctx.ll_zero, z)) {
        const negative = dec.bit(ctx.ll_sign, 0);
        r = dec.uint(ctx.ll_mag[z]) + 1;
        if (r > CLAMP) throw new Error(`LL residual ${r} above 2**20`);
        if (negative) r = -r;
      }
      v[y * cols + x] = pred + r;
      band.read = y * cols + x + 1;
      prev = Math.abs(r);
    }
  }
}

function anyNonZero(band, y0, y1, x0, x1) {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (band.v[y * band.cols + x] !== 0) return 1;
  return 0;
}

function decodeBand(dec, ctx, B, g, o, P, siblings) {
  const { rows, cols, v } = B;
  const blockCols = Math.ceil(cols / 4);
  const nz = new Uint8Array(Math.ceil(rows / 4) * blockCols);
  for (let by = 0, y0 = 0; y0 < rows; by++, y0 += 4) {
    const y1 = Math.min(y0 + 4, rows);
    for (let bx = 0, x0 = 0; x0 < cols; bx++, x0 += 4) {
      const x1 = Math.min(x0 + 4, cols);
      const near = (bx ? nz[by * blockCols + bx - 1] : 0) + (by ? nz[(by - 1) * blockCols + bx] : 0);
      let parent = 0;
      if (P) {
        parent = anyNonZero(P, Math.min(y0 >> 1, P.rows - 1), Math.min((y1 + 1) >> 1, P.rows),
          Math.min(x0 >> 1, P.cols - 1), Math.min((x1 + 1) >> 1, P.cols));
      }
      const flag = dec.bit(ctx.block, ((g * 3 + o) * 3 + near) * 2 + parent);
      nz[by * blockCols + bx] = flag;
      if (!flag) continue;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const W = x ? v[y * cols + x - 1] : 0;
          const N = y ? v[(y - 1) * cols + x] : 0;
          let t = 2 * Math.min(Math.abs(W), 2) + 2 * Math.min(Math.abs(N), 2);
          if (y > 0) {
            if (x > 0 && v[(y - 1) * cols + x - 1] !== 0) t++;
            if (x + 1 < cols && v[(y - 1) * cols + x + 1] !== 0 && ((x + 1) % 4 !== 0 || y % 4 === 0)) t++;
          }
          const n = NEIGHBOUR_CLASS[t];
          const pm = P ? Math.min(Math.abs(P.v[Math.min(y >> 1, P.rows - 1) * P.cols + Math.min(x >> 1, P.cols - 1)]), 2) : 0;
          let sb = 0;
          for (const S of siblings) if (y < S.rows && x < S.cols && S.v[y * S.cols + x] !== 0) sb = 1;
          const s = Math.sign(W) + Math.sign(N);
          const sc = s === 0 ? 0 : s > 0 ? 1 : 2;
          if (dec.bit(ctx.sig, ((g * 5 + n) * 3 + pm) * 2 + sb)) {
            const negative = dec.bit(ctx.sign, g * 3 + sc);
            const m = dec.uint(ctx.mag[g * 3 + Math.min(n, 2)]) + 1;
            if (m > CLAMP) throw new Error(`coefficient magnitude ${m} above 2**20`);
            v[y * cols + x] = negative ? -m : m;
          }
        }
      }
    }
  }
}

/** Kind 3 version 2 (CODEC.md 8.8): decode_mag, a magnitude whose first suffix bit is context coded. */
function decodeMag(dec, ctx, suffix, base) {
  const k = dec.prefix(ctx);
  if (!k) return 0;
  const top = dec.bit(suffix, base + Math.min(k, 3) - 1);
  return 2 ** k - 1 + top * 2 ** (k - 1) + (k > 1 ? dec.direct(k - 1) : 0);
}

/** Kind 3 version 2's detail band (CODEC.md 8.8): 8.3's traversal with its own contexts. */
function decodeBand2(dec, ctx, B, g, o, P, siblings) {
  const { rows, cols, v } = B;
  const blockCols = Math.ceil(cols / 4);
  const nz = new Uint8Array(Math.ceil(rows / 4) * blockCols);
  const h = o === 2 ? 1 : 0;
  for (let by = 0, y0 = 0; y0 < rows; by++, y0 += 4) {
    const y1 = Math.min(y0 + 4, rows);
    for (let bx = 0, x0 = 0; x0 < cols; bx++, x0 += 4) {
      const x1 = Math.min(x0 + 4, cols);
      const near = (bx ? nz[by * blockCols + bx - 1] : 0) + (by ? nz[(by - 1) * blockCols + bx] : 0);
      let parent = 0;
      if (P) {
        const py1 = Math.min((y1 + 1) >> 1, P.rows), px1 = Math.min((x1 + 1) >> 1, P.cols);
        for (let py = Math.min(y0 >> 1, P.rows - 1); py < py1; py++) {
          for (let px = Math.min(x0 >> 1, P.cols - 1); px < px1; px++) if (P.v[py * P.cols + px] !== 0) parent++;
        }
        parent = Math.min(parent, 3);
      }
      const flag = dec.bit(ctx.block, ((g * 3 + o) * 3 + near) * 4 + parent);
      nz[by * blockCols + bx] = flag;
      if (!flag) continue;
      let seen = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const W = x ? v[y * cols + x - 1] : 0;
          const N = y ? v[(y - 1) * cols + x] : 0;
          const aw = Math.min(Math.abs(W), 2), an = Math.min(Math.abs(N), 2);
          let significant = 1;
          if (seen || y !== y1 - 1 || x !== x1 - 1) {
            const along = o === 0 ? an : aw, acrossN = o === 0 ? aw : an;
            let d = 0;
            if (y > 0 && ((x > 0 && v[(y - 1) * cols + x - 1] !== 0) ||
                (x + 1 < cols && v[(y - 1) * cols + x + 1] !== 0 && ((x + 1) % 4 !== 0 || y % 4 === 0)))) d = 1;
            const pm = P ? Math.min(Math.abs(P.v[Math.min(y >> 1, P.rows - 1) * P.cols + Math.min(x >> 1, P.cols - 1)]), 2) : 0;
            let sb = 0;
            for (const S of siblings) if (y < S.rows && x < S.cols && S.v[y * S.cols + x] !== 0) sb = 1;
            significant = dec.bit(ctx.sig, ((((((g * 2 + h) * 3 + along) * 3 + acrossN) * 2 + d) * 3 + pm) * 2 + sb) * 2 + seen);
          }
          if (significant) {
            seen = 1;
            const negative = dec.bit(ctx.sign, (g * 3 + o) * 9 + (Math.sign(W) + 1) * 3 + Math.sign(N) + 1);
            const m = decodeMag(dec, ctx.mag[g * 3 + Math.max(aw, an)], ctx.suffix, g * 3) + 1;
            if (m > CLAMP) throw new Error(`coefficient magnitude ${m} above 2**20`);
            v[y * cols + x] = negative ? -m : m;
          }
        }
      }
    }
  }
}

function decodePlane(dec, ctx, bands, version = 1) {
  decodeLL(dec, ctx, bands[0]);
  const L = bands.length - 1;
  const band = version === 2 ? decodeBand2 : decodeBand;
  for (let i = 0; i < L; i++) {
    const g = Math.min(L - 1 - i, 2);
    const triple = bands[i + 1];
    for (let o = 0; o < 3; o++) band(dec, ctx, triple[o], g, o, i ? bands[i][o] : null, triple.slice(0, o));
  }
}

function lift(c, a, b) {
  return floorDiv(c * (a + b) + 8192, 16384);
}

/** CODEC.md 8.4: one-dimensional synthesis of s and d (arrays of integers). */
function merge(s, d) {
  const ns = s.length, nd = d.length;
  if (nd === 0) return s.slice();
  s = s.map((x) => floorDiv(x * 14252 + 8192, 16384));
  d = d.map((x) => floorDiv(x * 18835 + 8192, 16384));
  const dd = (i) => d[Math.min(Math.max(i, 0), nd - 1)];
  const ss = (i) => s[Math.min(i, ns - 1)];
  for (let i = 0; i < ns; i++) s[i] -= lift(7266, dd(i - 1), dd(i));
  for (let i = 0; i < nd; i++) d[i] -= lift(14466, ss(i), ss(i + 1));
  for (let i = 0; i < ns; i++) s[i] -= lift(-868, dd(i - 1), dd(i));
  for (let i = 0; i < nd; i++) d[i] -= lift(-25987, ss(i), ss(i + 1));
  const out = new Array(ns + nd);
  for (let i = 0; i < ns; i++) out[2 * i] = s[i];
  for (let i = 0; i < nd; i++) out[2 * i + 1] = d[i];
  return out;
}

const column = (band, x) => Array.from({ length: band.rows }, (_, y) => band.v[y * band.cols + x]);

function inverse(bands) {
  let ll = bands[0];
  for (let i = 1; i < bands.length; i++) {
    const [HL, LH, HH] = bands[i];
    const rows = ll.rows + LH.rows, lw = ll.cols, hw = HL.cols;
    const lo = new Float64Array(rows * lw), hi = new Float64Array(rows * hw);
    for (let x = 0; x < lw; x++) merge(column(ll, x), column(LH, x)).forEach((val, y) => (lo[y * lw + x] = val));
    for (let x = 0; x < hw; x++) merge(column(HL, x), column(HH, x)).forEach((val, y) => (hi[y * hw + x] = val));
    const next = { rows, cols: lw + hw, v: new Float64Array(rows * (lw + hw)) };
    for (let y = 0; y < rows; y++) {
      const merged = merge(Array.from(lo.subarray(y * lw, (y + 1) * lw)), Array.from(hi.subarray(y * hw, (y + 1) * hw)));
      for (let x = 0; x < merged.length; x++) next.v[y * next.cols + x] = Math.min(Math.max(merged[x], -CLAMP), CLAMP);
    }
    ll = next;
  }
  return ll;
}

function dequantise(bands, step) {
  const check = (x) => {
    if (Math.abs(x) > CLAMP) throw new Error("coefficient exceeds 2**20 after dequantisation");
    return x;
  };
  bands[0].v = bands[0].v.map((q) => check(q * step));
  for (const triple of bands.slice(1)) {
    for (const band of triple) {
      band.v = band.v.map((q) => (q === 0 ? 0 : check(Math.sign(q) * floorDiv((Math.abs(q) * 16 + 1) * step + 8, 16))));
    }
  }
  return bands;
}

// ---------------------------------------------------------------- resampler (CODEC.md 9)

function taps(nIn, nOut) {
  const index = new Int32Array(nOut * 4), weight = new Float64Array(nOut * 4);
  for (let i = 0; i < nOut; i++) {
    const num = (2 * i + 1) * nIn - nOut, den = 2 * nOut;
    const base = Math.floor(num / den);
    const t = Math.floor(((num - base * den) * 65536) / den);
    const t2 = t * t, t3 = t2 * t;
    const wm1 = floorDiv(-t3 + t2 * 131072 - t * 4294967296 + 2 ** 34, 2 ** 35);
    const wp1 = floorDiv(-3 * t3 + t2 * 262144 + t * 4294967296 + 2 ** 34, 2 ** 35);
    const wp2 = floorDiv(t3 - t2 * 65536 + 2 ** 34, 2 ** 35);
    const w = [wm1, 16384 - wm1 - wp1 - wp2, wp1, wp2];
    for (let j = 0; j < 4; j++) {
      index[i * 4 + j] = Math.min(Math.max(base + j - 1, 0), nIn - 1);
      weight[i * 4 + j] = w[j];
    }
  }
  return { index, weight };
}

/** The horizontal pass of CODEC.md 9: rows x outCols x ch, Q6 (after the first shift). */
function across(src, rows, cols, ch, outCols) {
  const { index, weight } = taps(cols, outCols);
  const mid = new Float64Array(rows * outCols * ch);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < outCols; x++) {
      const i0 = (y * cols + index[x * 4]) * ch, i1 = (y * cols + index[x * 4 + 1]) * ch;
      const i2 = (y * cols + index[x * 4 + 2]) * ch, i3 = (y * cols + index[x * 4 + 3]) * ch;
      const w0 = weight[x * 4], w1 = weight[x * 4 + 1], w2 = weight[x * 4 + 2], w3 = weight[x * 4 + 3];
      for (let c = 0; c < ch; c++) {
        const sum = w0 * src[i0 + c] + w1 * src[i1 + c] + w2 * src[i2 + c] + w3 * src[i3 + c];
        mid[(y * outCols + x) * ch + c] = Math.floor((sum + 128) / 256);
      }
    }
  }
  return mid;
}

/** The vertical pass into out (a Float64Array, or a Uint8ClampedArray that clamps to 0..255):
 * sums of products below 2**53, so the float arithmetic is exact. */
function down(mid, rows, outRows, rowLength, out) {
  const { index, weight } = taps(rows, outRows);
  for (let y = 0; y < outRows; y++) {
    const r0 = index[y * 4] * rowLength, r1 = index[y * 4 + 1] * rowLength;
    const r2 = index[y * 4 + 2] * rowLength, r3 = index[y * 4 + 3] * rowLength;
    const w0 = weight[y * 4], w1 = weight[y * 4 + 1], w2 = weight[y * 4 + 2], w3 = weight[y * 4 + 3];
    const start = y * rowLength;
    for (let k = 0; k < rowLength; k++) {
      out[start + k] = Math.floor((w0 * mid[r0 + k] + w1 * mid[r1 + k] + w2 * mid[r2 + k] + w3 * mid[r3 + k] + 524288) / 1048576);
    }
  }
  return out;
}

/** Resample a channels-interleaved integer image (rows x cols x ch) to outRows x outCols. */
function resize(src, rows, cols, ch, outRows, outCols) {
  return down(across(src, rows, cols, ch, outCols), rows, outRows, outCols * ch, new Float64Array(outRows * outCols * ch));
}

// ---------------------------------------------------------------- working picture (CODEC.md 8.5)

const toSample = (x) => Math.min(Math.max(floorDiv(x + 2056, 16), 0), 255);

/** CODEC.md 6 step 5: Q4 Y, Cb, Cr -> 8-bit R, G, B at out[i * 3 ...]. */
function putRgb(out, i, Y, cb, cr) {
  out[i * 3] = toSample(Y + floorDiv(91881 * cr + 32768, 65536));
  out[i * 3 + 1] = toSample(Y - floorDiv(22554 * cb + 46802 * cr + 32768, 65536));
  out[i * 3 + 2] = toSample(Y + floorDiv(116130 * cb + 32768, 65536));
}
const SPATIAL = { 0: 256, 1: 205, 2: 164, 4: 105, 5: 84, 8: 43 };

function smooth(pic, rows, cols, ch, s) {
  if (s === 0) return pic;
  const lum = new Int32Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) lum[i] = ch === 3 ? pic[i * 3] + 2 * pic[i * 3 + 1] + pic[i * 3 + 2] : 4 * pic[i];
  // the brightness weight of every difference d = -1020 .. 1020, and the 25 spatial weights
  const range = new Float64Array(2041);
  for (let d = -1020; d <= 1020; d++) range[d + 1020] = Math.max(0, 4096 - floorDiv(64 * d * d, s * s));
  const spatial = [];
  for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) spatial.push(SPATIAL[dy * dy + dx * dx]);
  const out = new Uint8Array(pic.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let weights = 0, t0 = 0, t1 = 0, t2 = 0, k = 0;
      const centre = lum[y * cols + x] - 1020;
      for (let dy = -2; dy <= 2; dy++) {
        const base = Math.min(Math.max(y + dy, 0), rows - 1) * cols;
        for (let dx = -2; dx <= 2; dx++, k++) {
          const j = base + Math.min(Math.max(x + dx, 0), cols - 1);
          const w = spatial[k] * range[lum[j] - centre];
          weights += w;
          if (ch === 3) {
            t0 += w * pic[j * 3];
            t1 += w * pic[j * 3 + 1];
            t2 += w * pic[j * 3 + 2];
          } else t0 += w * pic[j];
        }
      }
      const half = floorDiv(weights, 2), i = (y * cols + x) * ch;
      out[i] = floorDiv(t0 + half, weights);
      if (ch === 3) {
        out[i + 1] = floorDiv(t1 + half, weights);
        out[i + 2] = floorDiv(t2 + half, weights);
      }
    }
  }
  return out;
}

function workingPicture(entry, colour) {
  const p = entry.payload;
  if (p.length < 3) throw new PciError("wavelet-colour payload shorter than its 3-byte header", "descriptors.payload", entry.payloadAt);
  if (entry.quant > 191) throw new PciError(`wavelet-colour quant ${entry.quant} above 191`, "descriptors.quant", entry.quantAt);
  const ww = p[0] + 1, wh = p[1] + 1;
  const priors = entry.version === 2 ? PRIORS_V2 : PRIORS;
  const pic = decodePicture(entry, colour, new RangeDecoder(p.subarray(3)), () => [ww, wh], priors, "wavelet-colour");
  return { ...pic, pixels: smooth(pic.pixels, wh, ww, pic.ch, p[2]) };
}

/** Kind 4 (CODEC.md 10): no header; the long side opens the stream, the aspect ratio is the file's. */
function thumbPicture(entry, colour, width, height) {
  if (entry.quant > 191) throw new PciError(`wavelet-thumb quant ${entry.quant} above 191`, "descriptors.quant", entry.quantAt);
  let shift = 0;
  const size = (dec) => {
    const n = dec.direct(5) + 1;
    shift = dec.direct(2);
    return width >= height
      ? [n, Math.max(1, floorDiv(2 * n * height + width, 2 * width))]
      : [Math.max(1, floorDiv(2 * n * width + height, 2 * height)), n];
  };
  return decodePicture(entry, colour, new RangeDecoder(entry.payload), size, THUMB_PRIORS, "wavelet-thumb", () => shift);
}

/** Kinds 3 and 4: the planes of CODEC.md 8.3 from the stream, 8.4's synthesis, 8.5's conversion. */
function decodePicture(entry, colour, dec, workingSize, priors, name, chromaShift = () => 0) {
  const luma = floorDiv(P16[entry.quant % 16] * 2 ** Math.floor(entry.quant / 16), 256);
  const planes = [];
  let ww, wh, chroma;
  try {
    [ww, wh] = workingSize(dec);
    chroma = Math.max(1, floorDiv(floorDiv(luma * 218 + 128, 256), 2 ** chromaShift()));
    const cw = Math.ceil(ww / 2), chh = Math.ceil(wh / 2);
    const sizes = colour === "rgb" ? [[ww, wh], [cw, chh], [cw, chh]] : [[ww, wh]];
    const lumaCtx = contexts(priors.luma), chromaCtx = contexts(priors.chroma);
    const coded = sizes.map(([w, h], i) => {
      const bands = emptyBands(w, h);
      decodePlane(dec, i ? chromaCtx : lumaCtx, bands, entry.kind === 3 ? entry.version : 1);
      return bands;
    });
    coded.forEach((bands, i) => planes.push(inverse(dequantise(bands, i ? chroma : luma))));
  } catch (error) {
    if (error instanceof PciError) throw error;
    throw new PciError(`corrupt ${name} stream: ${error.message}`, "descriptors.payload", entry.payloadAt);
  }
  return assemble(planes, ww, wh, colour);
}

/** Synthesised planes -> the 8-bit working picture: chroma resampled to it, converted (CODEC.md 8.5). */
function assemble(planes, ww, wh, colour) {
  const n = ww * wh;
  const ch = colour === "rgb" ? 3 : 1;
  const pic = new Uint8Array(n * ch);
  if (ch === 1) {
    for (let i = 0; i < n; i++) pic[i] = toSample(planes[0].v[i]);
  } else {
    const cw = Math.ceil(ww / 2), chh = Math.ceil(wh / 2);
    const cb = resize(planes[1].v, chh, cw, 1, wh, ww), cr = resize(planes[2].v, chh, cw, 1, wh, ww);
    for (let i = 0; i < n; i++) putRgb(pic, i, planes[0].v[i], cb[i], cr[i]);
  }
  return { rows: wh, cols: ww, ch, pixels: pic };
}


// ---------------------------------------------------------------- kind 5 (CODEC.md 11)

/** The detail bands of every coded plane in CODEC.md 11.2's band order, with their state. */
function embeddedBands(planes) {
  const byPlane = planes.map((bands, index) => {
    const levels = bands.length - 1;
    const out = [];
    for (let i = 0; i < levels; i++) {
      out.push(bands[i + 1].map((b, o) => ({
        index, ptype: index ? 1 : 0, g: Math.min(levels - 1 - i, 2), o, rows: b.rows, cols: b.cols,
        parent: i ? out[i - 1][o] : null, target: b,
        m: new Int32Array(b.rows * b.cols), neg: new Uint8Array(b.rows * b.cols), k: new Int8Array(b.rows * b.cols).fill(-1),
        significant: [],
      })));
      for (const b of out[i]) b.siblings = out[i].filter((other) => other !== b);
    }
    return out;
  });
  const deepest = Math.max(0, ...byPlane.map((p) => p.length));
  const order = [];
  for (let i = 0; i < deepest; i++) for (const levels of byPlane) if (i < levels.length) order.push(...levels[i]);
  return order;
}

/** Version 2: the lowest bit of every LL value (halved in the stream), plane by plane in raster order. */
function embeddedLowBits(dec, ctxs, lls) {
  lls.forEach((ll, i) => {
    for (let j = 0; j < ll.v.length; j++) {
      ll.low[j] = dec.bit(ctxs[i ? 1 : 0].ll_low, 0);
      ll.lowRead = j + 1;
    }
  });
}

/** Version 3's significance context (CODEC.md 11.8). */
function embeddedSigContextV3(b, y, x, p, pass, blk) {
  const at = (yy, xx) => (yy >= 0 && yy < b.rows && xx >= 0 && xx < b.cols && b.k[yy * b.cols + xx] >= 0 ? 1 : 0);
  const vertical = at(y - 1, x) + at(y + 1, x), horizontal = at(y, x - 1) + at(y, x + 1);
  const diagonal = at(y - 1, x - 1) + at(y - 1, x + 1) + at(y + 1, x - 1) + at(y + 1, x + 1);
  const [along, across] = b.o === 0 ? [vertical, horizontal] : b.o === 1 ? [horizontal, vertical] : [vertical + horizontal, 0];
  let par = 0;
  const P = b.parent;
  if (P) {
    const i = Math.min(y >> 1, P.rows - 1) * P.cols + Math.min(x >> 1, P.cols - 1);
    if (P.k[i] >= 0) par = P.m[i] >= 2 ** (p + 1) ? 2 : 1;
  }
  const sibling = b.siblings.some((o) => y < o.rows && x < o.cols && o.k[y * o.cols + x] >= 0) ? 1 : 0;
  let index = (pass * 3 + b.g) * 2 + (b.o === 2 ? 1 : 0);
  index = ((index * 3 + Math.min(along, 2)) * 3 + Math.min(across, 2)) * 3 + Math.min(diagonal, 2);
  return ((index * 3 + par) * 2 + sibling) * 3 + blk;
}

function embeddedDetails(dec, ctxs, bands, planeCount, lls = null, v3 = false) {
  // a significance decision (CODEC.md 11.2; 11.8 for version 3, ``blk`` its block state); true when significant
  const sigDecision = (b, y, x, p, pass, blk = 0) => {
    const ctx = ctxs[b.ptype];
    let index;
    if (v3) {
      index = embeddedSigContextV3(b, y, x, p, pass, blk);
    } else {
      let n = 0;
      for (let yy = Math.max(0, y - 1); yy < Math.min(b.rows, y + 2); yy++) {
        for (let xx = Math.max(0, x - 1); xx < Math.min(b.cols, x + 2); xx++) {
          if ((yy !== y || xx !== x) && b.k[yy * b.cols + xx] >= 0) n++;
        }
      }
      const P = b.parent;
      const par = P && P.k[Math.min(y >> 1, P.rows - 1) * P.cols + Math.min(x >> 1, P.cols - 1)] >= 0 ? 1 : 0;
      index = (((pass * 3 + b.g) * 4 + Math.min(n, 3)) * 2 + par) * 2 + (b.o === 2 ? 1 : 0);
    }
    if (!dec.bit(ctx.sig, index)) return false;
    sign(b, y, x, p);
    return true;
  };
  const sign = (b, y, x, p) => {
    const ctx = ctxs[b.ptype];
    const cls = (yy, xx) => {
      const i = yy * b.cols + xx;
      return b.k[i] < 0 ? 0 : b.neg[i] ? 2 : 1;
    };
    const sw = x ? cls(y, x - 1) : 0, sn = y ? cls(y - 1, x) : 0;
    const negative = dec.bit(ctx.sign, ((b.g * 3 + b.o) * 3 + sw) * 3 + sn);
    const i = y * b.cols + x;
    b.m[i] = 2 ** p;
    b.neg[i] = negative;
    b.k[i] = p;
    b.significant.push(i);
  };
  const refine = (set, p) => {
    for (const b of set) {
      const ctx = ctxs[b.ptype];
      for (const i of [...b.significant].sort((a, c) => a - c)) {
        if (b.k[i] <= p) continue;
        if (dec.bit(ctx.ref, b.g * 2 + (b.m[i] < 2 ** (p + 2) ? 0 : 1))) b.m[i] += 2 ** p;
        b.k[i] = p;
      }
    }
  };
  const neighbours = (b, p) => {
    const seen = new Set();
    for (const i of b.significant) {
      const y = Math.floor(i / b.cols), x = i % b.cols;
      for (let yy = Math.max(0, y - 1); yy < Math.min(b.rows, y + 2); yy++) {
        for (let xx = Math.max(0, x - 1); xx < Math.min(b.cols, x + 2); xx++) {
          if (b.k[yy * b.cols + xx] < 0) seen.add(yy * b.cols + xx);
        }
      }
    }
    for (const i of [...seen].sort((a, c) => a - c)) sigDecision(b, Math.floor(i / b.cols), i % b.cols, p, 0);
    return seen;
  };
  const rest = (b, p, seen) => {
    const ctx = ctxs[b.ptype];
    if (!b.significant.length && !dec.bit(ctx.band, b.g)) return;
    for (let y0 = 0; y0 < b.rows; y0 += 4) {
      const y1 = Math.min(y0 + 4, b.rows);
      for (let x0 = 0; x0 < b.cols; x0 += 4) {
        const x1 = Math.min(x0 + 4, b.cols);
        const open = [];
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (b.k[y * b.cols + x] < 0 && !seen.has(y * b.cols + x)) open.push([y, x]);
        if (!open.length) continue;
        if (open.length === (y1 - y0) * (x1 - x0)) {
          let bpar = 0; // how many of the parent region's coefficients are significant
          const P = b.parent;
          if (P && P.rows && P.cols) {
            for (let py = Math.min(y0 >> 1, P.rows - 1); py < Math.min((y1 + 1) >> 1, P.rows); py++) {
              for (let px = Math.min(x0 >> 1, P.cols - 1); px < Math.min((x1 + 1) >> 1, P.cols); px++) if (P.k[py * P.cols + px] >= 0) bpar++;
            }
          }
          let near = 0;
          for (let y = Math.max(0, y0 - 1); y < Math.min(b.rows, y1 + 1); y++) {
            for (let x = Math.max(0, x0 - 1); x < Math.min(b.cols, x1 + 1); x++) if (b.k[y * b.cols + x] >= 0) near = 1;
          }
          const blockContext = v3 ? (b.g * 4 + Math.min(bpar, 3)) * 2 + near : (b.g * 2 + Math.min(bpar, 1)) * 2 + near;
          if (!dec.bit(ctx.block, blockContext)) continue;
          if (v3) { // version 3: the last position is significant when none before it became so
            let found = false;
            open.forEach(([y, x], j) => {
              if (!found && j === open.length - 1) sign(b, y, x, p);
              else if (sigDecision(b, y, x, p, 1, found ? 2 : 1)) found = true;
            });
            continue;
          }
        }
        for (const [y, x] of open) sigDecision(b, y, x, p, 1);
      }
    }
  };
  if (!lls) { // version 1: per plane, neighbours, refinement and the rest over every band
    for (let p = planeCount - 1; p >= 0; p--) {
      const visited = bands.map((b) => neighbours(b, p));
      refine(bands, p);
      bands.forEach((b, number) => rest(b, p, visited[number]));
    }
    return;
  }
  // version 2 (CODEC.md 11.7): luma's coarser levels, chroma, luma's finest level; refinement after
  const sets = [
    bands.filter((b) => b.index === 0 && b.g > 0),
    bands.filter((b) => b.index > 0),
    bands.filter((b) => b.index === 0 && b.g === 0),
  ];
  for (let p = planeCount - 1; p >= 0; p--) {
    if (p === 0) embeddedLowBits(dec, ctxs, lls);
    for (const set of sets) {
      const visited = set.map((b) => neighbours(b, p));
      set.forEach((b, i) => rest(b, p, visited[i]));
    }
    for (const set of sets) refine(set, p);
  }
  if (planeCount === 0) embeddedLowBits(dec, ctxs, lls);
}

/** Kind 5 (CODEC.md 11): kind 3's picture from an embedded stream, as far as a cut stream goes. */
function embeddedPicture(entry, colour) {
  const p = entry.payload;
  if (p.length < 3) throw new PciError("wavelet-embedded payload shorter than its 3-byte header", "descriptors.payload", entry.payloadAt);
  if (entry.quant > 191) throw new PciError(`wavelet-embedded quant ${entry.quant} above 191`, "descriptors.quant", entry.quantAt);
  const ww = p[0] + 1, wh = p[1] + 1, strength = p[2] & 0x7f;
  const luma = floorDiv(P16[entry.quant % 16] * 2 ** Math.floor(entry.quant / 16), 256);
  const chroma = floorDiv(luma * 218 + 128, 256);
  const cw = Math.ceil(ww / 2), chh = Math.ceil(wh / 2);
  const sizes = colour === "rgb" ? [[ww, wh], [cw, chh], [cw, chh]] : [[ww, wh]];
  const planes = sizes.map(([w, h]) => emptyBands(w, h));
  const bands = embeddedBands(planes);
  const priors = entry.version >= 3 ? EMBEDDED_PRIORS_V2 : EMBEDDED_PRIORS;
  const ctxs = [contexts(priors.luma), contexts(priors.chroma)];
  const version2 = entry.version >= 2; // versions 2 and 3: halved LL values, the version-2 order
  const lls = planes.map((b) => Object.assign(b[0], { read: 0, low: new Uint8Array(b[0].v.length), lowRead: 0 }));
  for (const ctx of ctxs) ctx.ll_low = [1024];
  try {
    const dec = new RangeDecoder(p.subarray(3), (p[2] & 0x80) !== 0);
    const planeCount = dec.direct(5);
    if (planeCount > 20) throw new PciError(`wavelet-embedded plane count ${planeCount} above 20`, "descriptors.payload", entry.payloadAt);
    planes.forEach((b, i) => decodeLL(dec, ctxs[i ? 1 : 0], b[0]));
    embeddedDetails(dec, ctxs, bands, planeCount, version2 ? lls : null, entry.version >= 3);
  } catch (error) {
    if (error instanceof PciError) throw error;
    if (!(error instanceof Exhausted)) throw new PciError(`corrupt wavelet-embedded stream: ${error.message}`, "descriptors.payload", entry.payloadAt);
  }
  const steps = sizes.map((_, i) => (i ? chroma : luma));
  const check = (x) => {
    if (Math.abs(x) > CLAMP) throw new PciError("wavelet-embedded coefficient exceeds 2**20 after dequantisation", "descriptors.payload", entry.payloadAt);
    return x;
  };
  // version 2: an LL value is twice the halved one plus its lowest bit; one decoded whose bit is not (a cut) at + 1/2
  planes.forEach((b, i) => {
    const ll = b[0];
    ll.v = ll.v.map((q, j) => {
      if (!version2) return check(q * steps[i]);
      const open = j < ll.read && j >= ll.lowRead ? 1 : 0;
      return check(floorDiv((4 * q + 2 * ll.low[j] + open) * steps[i], 2));
    });
  });
  for (const b of bands) {
    const S = steps[b.index];
    for (let i = 0; i < b.m.length; i++) {
      const m = b.m[i], k = b.k[i];
      if (!m) continue;
      const sixteenths = k > 0 ? m * 16 + 6 * (2 ** k - 1) : m * 16 + 1;
      const value = check(floorDiv(sixteenths * S + 8, 16));
      b.target.v[i] = b.neg[i] ? -value : value;
    }
  }
  const pic = assemble(planes.map((b) => inverse(b)), ww, wh, colour);
  return { ...pic, pixels: smooth(pic.pixels, wh, ww, pic.ch, strength) };
}

// ---------------------------------------------------------------- kind 1 (CODEC.md 3, 4)

const POW2_EIGHTHS = [4096, 4467, 4871, 5312, 5793, 6317, 6889, 7512];
let periodTable = null;

function period() {
  if (periodTable === null) {
    const T = Array.from({ length: 1025 }, (_, j) => Math.round(16384 * Math.SQRT2 * Math.cos((Math.PI * j) / 2048)));
    periodTable = new Float64Array(4096);
    for (let j = 0; j < 4096; j++) {
      periodTable[j] = j < 1024 ? T[j] : j < 2048 ? -T[2048 - j] : j < 3072 ? -T[j - 2048] : T[4096 - j];
    }
  }
  return periodTable;
}

/** b(u, x, n) for u < count, x < n, as rows of a Float64Array (count x n). */
function basis(count, n) {
  const F = period();
  const out = new Float64Array(count * n);
  for (let u = 0; u < count; u++) {
    for (let x = 0; x < n; x++) {
      if (u === 0) {
        out[x] = 16384;
        continue;
      }
      const phase = Math.floor((((u * (2 * x + 1)) % (4 * n)) * 65536) / (4 * n));
      const i = phase >> 4, f = phase & 15;
      out[u * n + x] = floorDiv(F[i] * (16 - f) + F[(i + 1) % 4096] * f + 8, 16);
    }
  }
  return out;
}

function scanOrder(kx, ky) {
  const order = [];
  for (let v = 0; v < ky; v++) for (let u = 0; u < kx; u++) order.push([v, u]);
  return order.sort((a, b) => a[1] * ky + a[0] * kx - (b[1] * ky + b[0] * kx) || a[0] - b[0] || a[1] - b[1]);
}

/** The kind-1 planes (Q4, luma first) synthesised at width x height. */
function dctPlanes(entry, colour, width, height) {
  const p = entry.payload;
  const field = "descriptors.payload";
  if (p.length < 4) throw new PciError("dct-colour payload shorter than its 4-byte header", field, entry.payloadAt);
  if (entry.quant > 120) throw new PciError(`dct-colour quant ${entry.quant} above 120`, "descriptors.quant", entry.quantAt);
  const [kx, ky, cx, cy] = p;
  if (kx < 1 || kx > 128 || ky < 1 || ky > 128) throw new PciError(`dct-colour luma grid ${kx}x${ky} outside 1..128`, field, entry.payloadAt);
  const chromaOk = colour === "rgb" ? cx >= 1 && cx <= 128 && cy >= 1 && cy <= 128 : cx === 0 && cy === 0;
  if (!chromaOk) throw new PciError(`dct-colour chroma grid ${cx}x${cy} invalid for colour '${colour}'`, field, entry.payloadAt);
  const grids = colour === "rgb" ? [[kx, ky], [cx, cy], [cx, cy]] : [[kx, ky]];
  const dec = new RangeDecoder(p.subarray(4));
  const ctx = [0, 1].map((c) => ({ last: DCT_PRIORS.last[c].slice(), zero: DCT_PRIORS.zero[c].slice(), mag: DCT_PRIORS.mag[c].map((r) => r.slice()) }));
  const base = POW2_EIGHTHS[entry.quant % 8] * 2 ** Math.floor(entry.quant / 8);
  return grids.map(([gx, gy], plane) => {
    const c = plane ? 1 : 0;
    const order = scanOrder(gx, gy);
    const q = new Float64Array(gx * gy);
    try {
      const last = dec.uint(ctx[c].last);
      if (last > order.length) throw new Error(`plane ${plane} codes ${last} coefficients, grid holds ${order.length}`);
      let prev = 0;
      for (let i = 0; i < last; i++) {
        const band = Math.min(32 - Math.clz32(i), 11); // bit_length(i)
        const nonzero = i === last - 1 ? 1 : dec.bit(ctx[c].zero, 2 * band + prev);
        if (nonzero) {
          const negative = dec.direct(1);
          const magnitude = dec.uint(ctx[c].mag[band]) + 1;
          if (magnitude > 65536) throw new Error(`coefficient magnitude ${magnitude} too large`);
          const [v, u] = order[i];
          q[v * gx + u] = negative ? -magnitude : magnitude;
        }
        prev = nonzero;
      }
    } catch (error) {
      throw new PciError(`corrupt dct-colour stream: ${error.message}`, field, entry.payloadAt);
    }
    const weight = plane ? 6 : 4;
    for (let v = 0; v < gy; v++) {
      for (let u = 0; u < gx; u++) {
        const step = Math.max(1, floorDiv(base * (32 + u + v) * weight, 524288));
        const D = q[v * gx + u] * step;
        if (Math.abs(D) > 65536) throw new PciError("dct-colour coefficient exceeds 2**16 after dequantisation", field, entry.payloadAt);
        q[v * gx + u] = D;
      }
    }
    const bx = basis(gx, width), by = basis(gy, height);
    const rows = new Float64Array(gy * width);
    for (let v = 0; v < gy; v++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let u = 0; u < gx; u++) sum += q[v * gx + u] * bx[u * width + x];
        rows[v * width + x] = floorDiv(sum + 8192, 16384);
      }
    }
    const out = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let v = 0; v < gy; v++) sum += by[v * height + y] * rows[v * width + x];
        out[y * width + x] = floorDiv(sum + 8192, 16384);
      }
    }
    return out;
  });
}

// ---------------------------------------------------------------- kind 2 (CODEC.md 2, 5)

const AMPLITUDES = [0, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024];
const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 output i for seed s, as a BigInt. */
function splitmix64(seed, i) {
  let z = (seed + (BigInt(i) + 1n) * 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function interpolation(regions, n) {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), f = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const r8 = Math.min(Math.max(Math.floor(((2 * x + 1) * regions * 128) / n) - 128, 0), (regions - 1) * 256);
    i0[x] = r8 >> 8;
    i1[x] = Math.min(i0[x] + 1, regions - 1);
    f[x] = r8 & 255;
  }
  return { i0, i1, f };
}

/** The kind-2 detail (Q4 luma) at width x height. */
function textureDetail(entry, seed, width, height) {
  const p = entry.payload;
  const field = "descriptors.payload";
  if (p.length < 3) throw new PciError("texture payload shorter than its 3-byte header", field, entry.payloadAt);
  const [rx, ry, gain] = p;
  if (rx < 1 || rx > 32 || ry < 1 || ry > 32) throw new PciError(`texture grid ${rx}x${ry} outside 1..32`, field, entry.payloadAt);
  const count = rx * ry;
  if (p.length !== 3 + Math.ceil(count / 2)) throw new PciError("texture payload length does not match its grid", field, entry.payloadAt);
  if (count % 2 && (p[p.length - 1] & 15) !== 0) throw new PciError("texture padding nibble is not 0", field, entry.payloadAt);
  const level = (k) => (k % 2 ? p[3 + (k >> 1)] & 15 : p[3 + (k >> 1)] >> 4);
  const ax = interpolation(rx, width), ay = interpolation(ry, height);
  const detail = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = (j) => AMPLITUDES[level(j * rx + ax.i0[x])] * (256 - ax.f[x]) + AMPLITUDES[level(j * rx + ax.i1[x])] * ax.f[x];
      const amp = floorDiv(row(ay.i0[y]) * (256 - ay.f[y]) + row(ay.i1[y]) * ay.f[y] + 32768, 65536);
      const n = Number(splitmix64(seed, y * width + x) >> 48n) - 32768;
      detail[y * width + x] = floorDiv(n * amp * gain * 887, 2 ** 30);
    }
  }
  return detail;
}

// ---------------------------------------------------------------- the generator (CODEC.md 6)

/** Decode with the embedded generator: { width, height, channels (3 or 1), data: Uint8Array }. */
export function decode(bytes, size = {}) {
  const file = parse(bytes, { bare: size.bare });
  if (size.partial) {
    // the start of a bare form whose base layer is kind 5: its payload marked as cut (CODEC.md 11.4)
    if (!size.bare) throw new PciError("partial decoding reads the bare form (a file's CRC needs all of it)", "partial");
    const entry = file.descriptors.find((d) => d.kind === 5);
    if (!entry) throw new PciError("a partial decode needs a wavelet-embedded (kind 5) base layer", "descriptors.kind");
    if (entry.payload.length < 3) throw new PciError(`only ${entry.payload.length} bytes of the wavelet-embedded header have arrived`, "descriptors.payload", entry.payloadAt);
    const marked = entry.payload.slice();
    marked[2] |= 0x80;
    entry.payload = marked;
  }
  const width = size.width ?? file.width, height = size.height ?? file.height;
  if (!(width >= 1 && width <= MAX_DIMENSION && height >= 1 && height <= MAX_DIMENSION)) {
    throw new PciError(`output size ${width}x${height} outside 1..${MAX_DIMENSION}`, "size");
  }
  const known = { 1: [1], 2: [1], 3: [1, 2], 4: [1], 5: [1, 2, 3] };
  for (const d of file.descriptors) {
    if (!(d.kind in known)) throw new PciError(`descriptor kind ${d.kind} is unknown to pcimg/parametric`, "descriptors.kind", d.offset);
    if (!known[d.kind].includes(d.version)) throw new PciError(`descriptor kind ${d.kind} version ${d.version} is unsupported`, "descriptors.version", d.versionAt);
  }
  const bases = file.descriptors.filter((d) => d.kind === 1 || d.kind === 3 || d.kind === 4 || d.kind === 5);
  if (bases.length > 1) throw new PciError("two base layers (kinds 1, 3, 4 and 5)", "descriptors.kind", bases[1].offset);
  const ch = file.colour === "rgb" ? 3 : 1;
  const find = (kind) => file.descriptors.find((d) => d.kind === kind);
  const texture = size.detail === false ? undefined : find(2);
  const detail = texture ? textureDetail(texture, file.seed, width, height) : null;
  const data = new Uint8Array(width * height * ch);
  const clamp = (x) => Math.min(Math.max(x, 0), 255);
  const wavelet = find(3), thumb = find(4), embedded = find(5);
  if (wavelet || thumb || embedded) {
    const pic = wavelet
      ? workingPicture(wavelet, file.colour)
      : embedded
        ? embeddedPicture(embedded, file.colour)
        : thumbPicture(thumb, file.colour, file.width, file.height);
    const mid = across(pic.pixels, pic.rows, pic.cols, ch, width);
    if (!detail) {
      down(mid, pic.rows, height, width * ch, new Uint8ClampedArray(data.buffer)); // integers: clamped, not rounded
      return { width, height, channels: ch, data };
    }
    const out = down(mid, pic.rows, height, width * ch, new Float64Array(data.length));
    for (let i = 0; i < out.length; i++) data[i] = clamp(clamp(out[i]) + floorDiv(detail[Math.floor(i / ch)] + 8, 16));
    return { width, height, channels: ch, data };
  }
  const dct = find(1);
  const planes = dct ? dctPlanes(dct, file.colour, width, height) : Array.from({ length: ch }, () => new Float64Array(width * height));
  if (detail) for (let i = 0; i < width * height; i++) planes[0][i] += detail[i];
  for (let i = 0; i < width * height; i++) {
    if (ch === 1) data[i] = toSample(planes[0][i]);
    else putRgb(data, i, planes[0][i], planes[1][i], planes[2][i]);
  }
  return { width, height, channels: ch, data };
}

/** Binary PPM (P6) or PGM (P5) bytes of a decode. */
export function toPnm({ width, height, channels, data }) {
  const head = new TextEncoder().encode(`${channels === 3 ? "P6" : "P5"}\n${width} ${height}\n255\n`);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

// The context priors of kinds 3 (versions 1 and 2), 4, 5 (versions 1-3) and 1: spec/data/wavelet-priors-v1.json,
// wavelet-priors-v2.json, wavelet-thumb-priors-v1.json, wavelet-embedded-priors-v1.json and -v2.json and
// dct-priors-v1.json (SHA-256 in CODEC.md 8.3, 8.8, 11.2, 11.8 and 4), copied here by web/build.py so the module
// has no dependencies; a test holds them equal.

/** Kind 5 version 3's tables as web/build.py writes them: a negative entry -n stands for n untrained 1024s. */
function expandRuns(tables) {
  const expand = (values) => values.flatMap((v) => (Array.isArray(v) ? [expand(v)] : v < 0 ? new Array(-v).fill(1024) : [v]));
  const out = {};
  for (const [plane, names] of Object.entries(tables)) {
    out[plane] = Object.fromEntries(Object.entries(names).map(([name, values]) => [name, expand(values)]));
  }
  return out;
}

// BEGIN PRIORS
const PRIORS = {"luma":{"ll_zero":[263,338,167],"ll_sign":[961],"ll_mag":[[579,757,1001,1202,1536,1707,1024,1024,1024,1024,1024,1024],[581,807,1176,1536,1877,1024,1024,1024,1024,1024,1024,1024],[320,614,908,1325,1690,1959,1024,1024,1024,1024,1024,1024]],"block":[1977,1288,1709,751,1291,417,1975,1301,1693,775,1030,370,1984,1740,1787,1449,1664,1024,1824,727,1500,377,1037,181,1849,895,1497,350,1037,182,1900,948,1600,605,1175,361,332,210,308,131,485,67,120,231,194,107,117,64,463,330,534,238,572,172],"sig":[1917,1830,1770,1739,1563,1553,1687,1710,1531,1653,1338,1391,1556,1543,1487,1428,1276,1493,933,1317,1013,1024,835,996,273,1365,328,1365,309,683,1896,1726,1727,1581,1458,1263,1634,1566,1462,1459,1207,1192,1403,1370,1351,1282,1050,1079,1131,1087,1035,1006,853,893,613,1069,810,775,549,556,1722,1416,1676,1524,1375,1221,1303,1108,1362,1261,1142,1012,870,809,1115,1129,849,889,670,657,863,912,663,656,393,418,674,675,468,464],"sign":[1037,1306,666,1011,1215,808,1006,1109,1000],"mag":[[1984,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1776,1984,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1873,1970,1877,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1788,1984,1902,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1485,1915,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1562,1674,1731,1707,1365,1024,1024,1024,1024,1024,1024,1024],[1463,1676,1877,1877,1024,1024,1024,1024,1024,1024,1024,1024],[982,1405,1660,1827,1836,1536,1024,1024,1024,1024,1024,1024]]},"chroma":{"ll_zero":[1133,983,564],"ll_sign":[997],"ll_mag":[[1513,1636,1741,1755,1024,1024,1024,1024,1024,1024,1024,1024],[1410,1664,1506,1843,1024,1024,1024,1024,1024,1024,1024,1024],[928,1207,1423,1911,1365,1024,1024,1024,1024,1024,1024,1024]],"block":[1984,1768,1918,1138,1638,512,1984,1657,1851,1249,1024,1170,1984,1984,1707,1707,1024,1024,1885,1144,1666,816,1024,263,1905,1337,1704,959,1638,573,1984,1372,1805,1219,1365,1024,1065,727,1065,569,683,439,929,1055,922,828,878,293,1465,1434,1273,866,819,512],"sig":[1962,1832,1759,1593,1439,1024,1829,1365,1631,1755,1411,1365,1718,1024,1456,1365,1630,1365,1229,1024,1365,1024,585,1024,1024,1024,1024,1024,1024,1024,1917,1613,1720,1469,1478,1084,1775,1645,1673,1489,1330,1502,1638,1609,1567,1331,1123,1252,843,1170,1446,1229,1024,1103,512,1024,1024,1024,1170,683,1802,1407,1796,1523,1365,1707,1526,1247,1609,1365,1229,1155,1226,954,1505,1117,1222,1365,942,785,1182,1170,899,1280,531,1024,1024,1024,745,1024],"sign":[1019,1341,983,973,1202,805,1034,1058,871],"mag":[[1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1931,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1943,1975,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1869,1916,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1633,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1821,1809,1792,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1622,1852,1843,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1340,1616,1838,1638,1024,1024,1024,1024,1024,1024,1024,1024]]}};
const PRIORS_V2 = {"luma":{"ll_zero":[424,442,139],"ll_sign":[944],"ll_mag":[[752,707,983,1229,1325,1755,1024,1024,1024,1024,1024,1024],[540,825,1092,1524,1707,1365,1024,1024,1024,1024,1024,1024],[330,606,880,1208,1524,1984,1024,1024,1024,1024,1024,1024]],"block":[1984,1587,1254,935,1747,1189,657,378,1325,795,331,223,1972,1489,1249,874,1699,1132,694,531,1229,755,426,350,1984,1896,1777,1530,1869,1677,1618,910,1365,745,1170,683,1829,1152,706,375,1629,818,419,165,1010,515,289,94,1935,1324,864,417,1530,857,360,135,1065,435,274,64,1902,1390,945,530,1758,1082,551,304,1214,721,389,361,341,512,219,64,278,410,64,64,387,278,64,64,93,630,293,104,265,293,137,64,228,132,64,64,506,745,387,118,614,327,102,67,473,420,84,64],"sig":[1881,1984,1831,1970,1699,1905,1673,1822,1529,1725,1446,1671,1781,1908,1593,1868,1626,1841,1725,1697,1648,1724,1365,1792,1549,1808,1024,1638,1399,1731,1280,1489,751,1614,1365,1092,1502,1809,1755,1554,1486,1835,1638,1838,1273,1687,1707,1463,683,1502,1024,683,1536,964,1024,1365,1024,1138,1024,1024,1365,1346,1024,1229,512,1509,1024,1536,1024,1412,683,683,932,1397,614,1536,731,1164,1260,1468,791,943,1707,1401,1140,1508,1365,1638,958,1411,683,1489,808,1039,1365,1687,1280,1192,1024,1303,745,1229,1024,683,1229,1000,1024,1024,768,916,1024,1365,683,949,1024,1434,559,829,1024,853,1024,1365,1024,1024,1365,910,1024,1024,1024,1229,1024,1024,1365,494,1024,1024,1365,709,1024,1024,819,712,1024,683,186,531,1365,1365,79,237,1024,683,683,205,1024,683,768,768,1024,1024,853,768,1024,683,614,717,1024,1365,1024,819,1024,1024,1024,819,1024,1024,1024,512,1024,683,512,439,1024,1536,1365,559,1024,683,1024,141,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,293,1024,1024,1024,236,1024,1024,512,71,1024,683,1920,1984,1699,1984,1763,1984,1477,1865,1423,1733,1425,1843,1775,1941,1024,1792,1103,1879,1365,1748,1365,1489,1536,1463,1463,1934,1638,1804,1792,1830,1365,1902,1365,1502,1024,1707,1024,1638,1536,1792,683,1536,1024,1792,1365,1536,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1280,1946,1229,1853,1024,1835,1536,1755,1024,1862,1024,1862,1024,1489,1024,878,1024,1434,1024,1024,1024,819,1024,1024,1024,1638,1024,1463,1024,1536,1365,1536,1024,1638,1024,1365,1024,1536,1024,1024,1024,1229,1024,1638,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1861,1918,1772,1872,1717,1793,1620,1726,1459,1501,1388,1360,1685,1770,1787,1732,1601,1707,1597,1576,1237,1442,1219,1389,1570,1600,1365,1552,1356,1617,1325,1468,1067,1367,796,1319,1644,1611,1325,1494,1284,1637,1024,1365,1236,1410,1311,1315,931,1401,1024,683,945,1258,1024,1195,1638,1265,512,862,1229,1479,878,1755,1260,1466,1024,1199,1381,1326,819,1199,1347,1452,614,1431,910,1201,878,1292,657,901,819,878,1311,1453,1280,1195,1213,1208,1707,1443,792,1030,853,968,910,1080,1024,1401,1446,1184,1024,1170,745,905,1755,698,1425,1069,1365,1112,1123,1034,819,1070,840,874,683,941,1365,878,1024,683,819,853,1024,341,1536,609,1365,1024,512,765,1365,878,1536,955,1024,683,585,930,1365,737,683,673,1365,878,614,755,341,1126,369,456,683,807,1186,878,1536,293,878,688,1024,819,436,559,683,865,1024,455,1024,1024,341,959,1024,1024,1024,653,1024,1117,512,638,1024,1024,228,815,512,614,439,561,341,751,1024,878,1024,1024,1024,1365,1024,410,1024,975,1024,512,683,559,683,819,768,630,1365,455,819,345,1024,878,1931,1984,1706,1821,1821,1911,1535,1709,1577,1614,1196,1389,1769,1894,1451,1660,1408,1791,1449,1665,1126,1703,1138,1405,1682,1900,1439,1707,1600,1783,1342,1524,1303,1425,1024,1405,1280,1755,1078,1493,1769,1565,1255,1515,1638,1393,1024,1325,1024,1792,1024,1303,512,1638,1024,1807,1024,683,1365,585,1024,683,819,1170,1024,1638,1170,1024,683,683,1365,768,1519,1764,1210,1719,1365,1841,1317,1491,1024,1711,1170,1365,1024,1662,1229,1507,1463,1711,964,1328,1638,1325,1024,1254,1024,1342,1229,1264,1365,1654,819,1515,1024,1593,1024,1280,1024,1365,1024,1331,1024,1393,1463,1463,683,1843,1229,926,1024,683,1024,512,1024,683,1024,1024,1024,1024,1024,410,1024,1024,1024,1024,1024,1365,1024,683,1024,1365,1024,819,1024,1229,1024,1229,1024,1303,1024,1877,1024,293,1365,1138,1365,1365,1024,1229,1024,1024,512,1229,1024,1365,1024,683,1024,1365,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,683,1024,1536,1024,1365,1024,1536,683,410,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1663,1699,1293,1470,1559,1612,1365,1504,1195,1296,1098,1091,1447,1377,1303,1141,1448,1420,1512,1311,1134,1152,1002,953,1280,1230,1170,1365,1220,1270,1733,1250,862,995,819,943,1449,1088,1097,878,931,1308,931,1199,931,1000,549,718,531,554,1365,956,585,831,410,723,361,578,512,853,910,769,1024,420,862,770,1024,838,1052,824,626,593,827,992,853,839,901,897,910,884,833,980,737,683,934,920,768,589,1207,1081,1138,984,643,917,1024,819,1536,707,1365,1123,1024,1024,1638,910,878,718,1024,918,853,894,910,530,910,937,745,733,396,673,745,723,1024,573,1024,768,683,904,1024,585,683,475,1024,512,585,603,1024,479,768,776,819,1084,473,498,630,423,573,433,384,321,431,512,293,878,595,512,228,452,967,553,410,479,931,779,455,572,581,597,186,374,1024,658,683,630,683,683,683,878,683,341,1365,569,683,455,1024,258,683,693,683,436,256,371,512,393,1024,330,1024,745,1024,186,1024,256,683,401,683,585,512,245,341,269,410,523,410,484,585,333,473,422,1961,1943,1478,1575,1866,1824,1488,1576,1651,1681,1229,1277,1838,1829,1276,1276,1336,1704,1406,1396,1775,1638,1071,1024,1733,1609,901,1304,1463,1518,1514,1478,1365,1365,931,1170,1676,1615,1220,989,1446,1601,1049,1071,512,1494,741,964,1024,683,293,801,1365,1365,683,896,683,1024,1024,636,1024,1195,878,655,1365,1365,559,1220,1024,878,539,815,1365,1718,1240,1259,1489,1660,768,1206,1536,1385,768,1054,1229,1485,862,971,1024,1273,1073,1062,1024,1344,896,878,1024,819,410,825,1024,1084,1024,1088,1365,1229,512,842,1536,1195,1170,950,1024,1024,878,939,512,1252,630,715,1024,1024,1024,1024,1024,1638,1024,585,1024,1024,1024,706,1024,1024,683,627,1024,410,1024,931,1024,683,512,542,1024,1024,862,473,1024,768,683,849,1024,910,410,745,683,1024,819,577,1024,1365,341,993,1024,1593,683,842,1024,1536,683,683,1024,1365,1024,410,1024,1024,1024,866,1024,683,1024,372,1365,1229,1024,843,1024,1536,819,610,1024,1024,1024,614,1024,1024,1024,878,1024,1024,1024,683,1024,1365,341,421,1024,1024,1024,482,1024,341,683,329],"sign":[578,1665,1984,124,1031,1885,64,297,1596,768,192,111,1802,1009,250,1984,1840,1306,1365,1920,1024,1489,1118,410,512,128,512,738,1393,1780,384,1021,1602,302,686,1136,763,445,326,1242,1038,701,1717,1629,1411,1088,1117,870,1108,998,865,1024,860,977,1047,1312,1468,657,983,1403,563,704,1001,994,578,481,1287,1034,766,1534,1446,1197,1184,1145,1129,1105,1021,922,1124,874,966],"mag":[[1984,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[996,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1903,1984,1890,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1763,1984,1902,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1265,1896,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1606,1672,1764,1638,1638,1024,1024,1024,1024,1024,1024,1024],[1445,1692,1901,1877,1365,1024,1024,1024,1024,1024,1024,1024],[899,1345,1597,1844,1850,1536,1024,1024,1024,1024,1024,1024]],"suffix":[1906,1024,1024,1745,1905,1024,1419,1527,1616]},"chroma":{"ll_zero":[1152,958,576],"ll_sign":[1006],"ll_mag":[[1540,1527,1857,1638,1024,1024,1024,1024,1024,1024,1024,1024],[1435,1523,1598,1843,1024,1024,1024,1024,1024,1024,1024,1024],[895,1163,1365,1453,1843,1024,1024,1024,1024,1024,1024,1024]],"block":[1984,1797,1759,1741,1926,1265,1152,585,1365,1536,819,683,1984,1822,1384,1260,1888,1836,931,683,1024,1365,1024,1024,1984,1984,1911,1365,1365,1365,1024,1024,1024,1024,1024,1024,1953,1589,1087,473,1726,1311,636,341,1138,585,439,315,1947,1560,1343,983,1774,1376,1002,390,1593,1434,630,683,1984,1691,1365,614,1800,1317,788,819,1024,1365,819,1365,924,989,455,186,1232,915,256,128,410,315,341,256,809,1052,655,315,1067,1071,420,551,745,630,228,341,1480,1365,1475,228,1329,1024,683,455,878,1024,819,1365],"sig":[1892,1984,1229,1638,1623,1941,1365,1536,1209,1792,1024,1024,1843,1966,1024,1365,1229,1849,1024,1024,1463,1896,1024,1024,1365,1899,1024,1024,1229,1940,1024,1024,1024,1463,1024,1024,683,1820,1024,1024,1024,1792,1024,1024,1024,1792,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1229,1605,1024,1024,585,1600,1024,1365,1280,1218,1024,1024,1536,1792,1024,1024,683,1229,1024,1024,683,1434,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1024,1024,1024,1638,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1775,1536,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1888,1984,1671,1928,1626,1888,1506,1638,1370,1748,1280,1365,1629,1966,1365,1792,1617,1849,1170,1502,1687,1629,1024,1755,1638,1766,1024,1733,1536,1762,683,1365,931,1587,1024,1365,1229,1801,1024,1755,1024,1733,1024,1463,1170,1707,1024,1365,1024,1170,1024,1024,1365,1755,1024,1365,683,1365,1024,1024,1024,1365,1024,1024,1024,1536,1024,683,1024,1658,1024,1024,1062,1649,1365,1638,1170,1400,1024,1676,559,1046,683,1536,1463,1715,1024,1024,1536,1382,1365,1024,1463,1152,1024,1024,1365,1434,1024,1024,683,1664,1024,512,683,614,1024,819,1024,1092,1024,1024,1024,1078,1024,1365,1024,755,1024,512,1024,1024,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,683,1024,1024,1024,1536,1024,1024,1024,1463,1024,1024,1024,819,1024,1024,1365,410,1024,1024,819,683,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,683,910,1024,1024,1024,1365,1024,1024,1024,683,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,512,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1957,1984,1418,1940,1893,1976,1414,1781,1575,1792,1117,1365,1365,1931,683,1609,1229,1853,683,1434,683,1024,683,1229,1536,1755,1024,1638,1365,1928,1024,1536,1024,683,1024,1365,1024,1365,1024,1638,1365,1536,1365,1707,1024,1536,1024,1638,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,683,1946,1365,1820,1536,1707,1365,1303,1365,1676,1024,1463,1024,1024,1024,1365,1024,1024,1024,1365,683,1365,1024,1024,1024,1365,1024,1024,1024,1365,1365,1707,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1766,1852,1436,1518,1682,1788,1396,1928,1360,1509,1195,1365,1575,1670,1024,1131,1195,1807,1303,1638,1862,1497,1024,1325,1271,1398,1024,1059,1293,1436,1024,945,768,1252,1365,1707,1024,1438,768,1117,1024,1716,1170,1229,910,1268,1707,768,1024,578,1024,1365,683,205,1024,819,683,1024,1024,512,1024,1000,683,780,512,1024,1024,683,819,1024,683,878,859,1429,1229,896,1303,1504,1536,1024,964,991,1024,878,956,1331,512,910,1365,1572,1024,1755,455,1218,1024,910,683,941,1024,585,1365,1152,1024,683,1024,1024,1024,1024,819,983,683,925,1365,1088,1024,1365,512,445,683,1170,1024,956,1024,819,1024,683,1024,1365,1024,1536,1024,1024,1024,683,1024,862,1024,1024,1024,410,1024,755,683,1024,455,1089,1024,602,1024,1229,683,1024,341,853,1024,1365,768,763,1024,630,1024,1325,1024,1365,819,945,1024,410,1365,819,1024,819,1024,341,1024,1024,1024,341,1024,1024,1024,531,1024,228,1024,410,1024,683,1365,512,683,512,1024,819,1024,1024,1024,1024,1024,1024,683,683,1024,1024,1024,512,683,683,1024,512,1024,1024,1024,683,1024,1365,1954,1984,1349,1616,1902,1911,1313,1463,1687,1755,1519,1536,1536,1883,819,1337,1365,1792,1024,964,1536,1365,1024,1365,1024,1566,341,1323,1024,1843,1365,1536,1024,1365,512,1024,1024,1621,1024,1268,1024,1463,512,1280,1024,1365,1024,1418,1024,1024,1024,819,1024,1024,1024,1365,1024,1024,1536,683,1024,683,683,1325,1024,1024,1024,1024,1024,1365,1024,1024,1229,1940,819,1254,1024,1638,1024,1536,1365,1024,1638,683,1024,1303,683,951,1024,1638,1024,512,1024,1024,1024,1170,1024,1024,1024,1024,1024,512,1024,1536,1024,1024,683,1536,1024,1536,1024,1092,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,683,341,1024,1024,1024,1024,1024,1024,1024,1365,683,1365,1024,683,1024,1024,1024,1024,1024,1365,1024,1365,1024,1024,1024,788,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,878,1024,1024,1024,1365,1024,1024,1024,1024,1024,1365,1024,910,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,683,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,768,1024,1024,1024,1024,1024,1024,1024,1024],"sign":[1024,1755,1536,205,1063,1911,683,455,1024,1024,372,1024,1536,1192,410,1024,1741,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1408,1877,341,922,1875,146,614,1024,1638,439,293,1186,1015,267,1911,1523,1229,1024,1024,1024,1638,1128,1024,683,512,1024,843,1303,1661,419,989,1638,332,639,1271,886,476,293,1365,984,597,1783,1580,970,1463,1065,1024,1390,961,942,1084,931,945],"mag":[[1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1964,1966,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1889,1975,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1201,1966,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1795,1826,1902,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1597,1886,1920,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1228,1560,1707,1536,1365,1024,1024,1024,1024,1024,1024,1024]],"suffix":[1024,1024,1024,1882,1024,1024,1596,1652,1792]}};
const THUMB_PRIORS = {"luma":{"ll_zero":[1092,991,717],"ll_sign":[909],"ll_mag":[[1618,1855,1902,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1431,1931,1843,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1245,1738,1920,1024,1024,1024,1024,1024,1024,1024,1024,1024]],"block":[819,341,1203,410,1024,819,462,1517,1008,1365,1024,1024,1820,1877,1664,1024,1024,1024,228,1024,1138,1024,1024,1024,228,1024,683,1024,1024,1024,228,1024,1593,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],"sig":[1753,1486,1596,1024,1843,1024,1631,1388,1588,1536,205,1024,1404,1365,1920,1024,1843,1024,1186,1755,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1597,1289,1024,1024,1024,1024,1411,1393,1024,1024,1024,1024,1664,1024,1024,1024,1024,1024,1536,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],"sign":[1010,1103,1218,906,1843,482,1024,1024,1024],"mag":[[1974,1820,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1905,1877,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1827,1792,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1955,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1593,1820,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1820,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024]]},"chroma":{"ll_zero":[1313,1119,734],"ll_sign":[1010],"ll_mag":[[1636,1854,1911,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1739,1707,1890,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1389,1609,1890,1024,1024,1024,1024,1024,1024,1024,1024,1024]],"block":[1303,1024,1365,1024,1024,1024,993,1024,1593,1024,1024,1024,1838,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],"sig":[1698,1418,1024,1024,1024,1024,1787,1170,1024,1024,1024,1024,1170,1536,1024,1024,1024,1024,1024,1365,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],"sign":[1043,1609,768,1024,1024,1024,1024,1024,1024],"mag":[[1914,1536,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1566,1638,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1463,1638,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024]]}};
const EMBEDDED_PRIORS = {"luma":{"ll_zero":[380,444,146],"ll_sign":[953],"ll_mag":[[679,755,1024,1331,1502,1638,1024,1024,1024,1024,1024,1024],[544,897,1059,1476,1733,1365,1024,1024,1024,1024,1024,1024],[346,605,934,1229,1598,1975,1024,1024,1024,1024,1024,1024]],"band":[1477,1315,981],"block":[1984,1391,1503,676,1947,1432,1238,558,1609,1123,1069,547],"sig":[1024,1024,1024,1024,1523,1463,1164,1024,1314,819,1211,1024,1400,1024,1024,1024,1024,1024,1024,1024,1544,1631,1337,1610,1439,1478,1299,1246,1223,1446,1162,1350,1024,1024,1024,1024,1496,1429,1340,1294,1295,1196,1223,1179,1034,970,945,984,1926,1940,1756,1762,1714,1870,1500,1811,1625,1658,1553,1736,1299,1434,1361,1303,1920,1905,1737,1713,1736,1814,1509,1650,1635,1645,1445,1492,1454,1499,1288,1380,1862,1844,1684,1702,1657,1700,1517,1576,1512,1482,1391,1323,1362,1171,1308,1129],"sign":[1006,1898,154,333,1715,64,1618,1956,539,1016,196,1797,1847,1429,1984,192,64,759,1045,384,1489,146,683,512,1687,1024,1024,1028,1613,390,637,1133,429,1375,1720,712,1053,727,1192,1622,1311,1673,411,326,741,993,876,1085,894,869,1024,1170,655,925,1017,1431,601,724,1060,649,1250,1408,1039,1018,726,1317,1499,1213,1499,579,526,1042,1030,945,1102,878,1049,969,1136,1088,1121],"ref":[1931,1024,1763,1624,1447,1282]},"chroma":{"ll_zero":[1167,946,531],"ll_sign":[1004],"ll_mag":[[1548,1501,1815,1707,1024,1024,1024,1024,1024,1024,1024,1024],[1455,1670,1638,1755,1024,1024,1024,1024,1024,1024,1024,1024],[945,1133,1404,1624,1755,1024,1024,1024,1024,1024,1024,1024]],"band":[1949,1773,1594],"block":[1984,1747,1501,1063,1905,1579,1289,956,1223,1365,876,839],"sig":[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1661,1024,1519,1024,1560,1024,1473,1024,1024,1024,1612,1024,1024,1024,1024,1024,1518,1542,1350,1401,1316,1170,1282,1260,1069,1075,1056,1365,1952,1024,1654,1024,1874,1024,1686,1024,1843,1024,1621,1024,1229,1024,1638,1024,1929,1921,1689,1724,1867,1800,1590,1699,1800,1920,1549,1928,1489,1024,1245,1536,1858,1851,1687,1747,1694,1674,1648,1552,1508,1570,1473,1394,1359,1393,1277,1260],"sign":[1107,1820,228,341,1024,683,1755,1536,1024,1187,410,1638,1902,1024,1024,205,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,952,1880,322,542,683,228,1451,1843,819,1029,246,1073,1687,683,1820,478,410,1638,1239,1024,1638,293,1024,1024,1170,1024,1024,1043,1658,404,683,1502,361,1254,1692,1024,958,664,1463,1596,983,1614,399,328,979,1067,857,1560,1117,1024,1229,945,1229,1536],"ref":[1024,1024,1955,1024,1609,1423]}};
const EMBEDDED_PRIORS_V2 = expandRuns({"luma":{"ll_zero":[645,516,279],"ll_sign":[952],"ll_mag":[[915,1142,1365,1514,1463,1365,-6],[1008,1135,1502,1658,1638,-7],[528,894,1120,1505,1984,-7]],"band":[1495,1318,982],"block":[1984,1400,1666,974,1352,528,958,349,1948,1405,1476,901,1062,502,623,264,1588,1096,1282,793,903,412,370,314],"sig":[-18,1715,-2,1365,-2,1541,-2,1365,-2,1243,-2,1365,-2,1792,-2,1365,-2,1593,-5,1103,-5,1479,-2,1365,-2,1260,-11,1446,-2,1365,-2,1365,-2,1365,-2,1463,-2,1365,-2,1770,-2,1365,-2,1841,-2,1365,-2,1762,-5,683,-5,1365,-11,1365,-17,683,-5,1365,-11,934,-2,1536,-2,725,-5,529,-5,1414,-5,1195,-2,1365,-2,899,-5,1252,-11,853,-5,878,-5,1260,-5,1130,-5,901,-2,1365,-2,1191,-5,683,-5,652,-5,1103,-5,512,-5,683,-23,410,-5,683,-2,683,-2,585,-5,878,-5,455,-5,341,-5,683,-5,683,-5,410,-11,1365,-5,1365,-5,1707,-5,1536,-17,1365,-5,512,-11,878,-11,512,-5,410,-29,683,-5,683,-5,1365,-5,683,-5,819,-29,683,-2,1365,-137,683,-5,1365,-11,819,-140,1365,-179,1741,-2,1638,-2,1664,-2,1509,-2,1433,-2,1434,-2,1682,-2,1536,-2,1644,-2,585,-2,1365,-2,1280,-2,1456,-2,788,-2,1374,-2,1408,-2,1421,-2,983,-2,1562,-2,1434,-2,1596,-2,1563,-2,1501,-2,1352,-2,1655,-2,1707,-2,1570,-2,1575,-2,1526,-2,838,-2,1755,-5,1365,-5,1536,-2,512,-2,1229,-5,1138,-2,512,-2,1109,-2,1638,-2,1463,-2,819,-2,1517,-5,1069,-2,1536,-2,1176,-2,1268,-2,1015,-2,878,-2,814,-2,1059,-2,1365,-2,1303,-2,1287,-2,1479,-2,1040,-2,1003,-2,1252,-2,1280,-2,1287,-2,910,-2,1128,-5,1124,-5,1129,-2,1103,-2,1127,-2,1365,-2,1095,-2,922,-2,1092,-2,838,-2,939,-2,1293,-2,890,-5,1157,-2,819,-2,977,-2,830,-2,410,-2,683,-2,1536,-2,1365,-2,1170,-5,1170,-2,1365,-2,1117,-5,717,-2,878,-2,878,-5,866,-2,512,-2,970,-2,1229,-2,1170,-5,410,-5,531,-5,878,-2,683,-2,439,-2,819,-2,303,-5,410,-5,614,-2,819,-8,341,-2,683,-2,768,-2,683,-2,755,-2,410,-2,853,-2,819,-2,931,-2,512,-2,569,-2,683,-2,372,-2,683,-2,1152,-5,512,-2,819,-11,683,-5,1365,-11,1365,-2,614,-5,512,-5,410,-5,455,-23,1888,-2,1425,-2,1792,-2,1556,-2,1483,-2,1331,-5,683,-5,1536,-5,1365,-110,1689,-2,1399,-2,1741,-2,1720,-2,1255,-2,931,-2,1556,-2,1347,-2,1365,-2,1497,-2,1170,-2,1247,-2,1229,-2,1536,-2,1638,-2,1138,-2,683,-2,878,-110,1365,-2,1260,-2,1575,-2,878,-2,1280,-2,1365,-2,1138,-5,1303,-2,1536,-2,1792,-8,1365,-2,1365,-2,1365,-134,1684,-2,1516,-2,1527,-2,1458,-2,1387,-2,1192,-2,1435,-2,1276,-2,1564,-2,1349,-2,1266,-2,1187,-2,1488,-2,1365,-2,1514,-2,1344,-2,1358,-2,1045,-2,1423,-2,1313,-2,1301,-2,1265,-2,1364,-2,1062,-2,1343,-2,1327,-2,1377,-2,1008,-2,1225,-2,971,-2,931,-2,1638,-2,585,-2,910,-2,731,-5,964,-2,614,-5,1170,-2,1161,-2,512,-2,1050,-2,1229,-2,1075,-2,1186,-2,868,-2,1106,-2,1263,-2,1034,-2,1148,-2,828,-2,1114,-2,1005,-2,1252,-2,983,-2,1348,-2,1152,-2,1182,-2,1116,-2,1267,-2,956,-2,1055,-2,983,-2,1106,-2,1069,-2,1018,-2,1064,-2,823,-2,991,-2,1014,-2,806,-2,1040,-2,926,-2,1019,-2,1103,-2,887,-2,851,-2,872,-2,847,-2,867,-2,826,-2,879,-2,881,-2,723,-5,910,-2,1365,-2,910,-2,228,-2,1221,-2,916,-2,1425,-2,731,-2,670,-2,846,-2,998,-2,759,-2,970,-2,1122,-2,843,-2,833,-2,838,-2,1170,-2,546,-2,683,-2,683,-2,768,-2,878,-2,910,-2,910,-5,949,-2,709,-2,1434,-2,723,-2,1103,-5,592,-2,602,-2,819,-2,683,-2,1117,-2,819,-2,512,-2,819,-2,996,-2,981,-2,975,-2,731,-2,771,-2,643,-2,813,-2,852,-2,811,-2,960,-2,669,-2,912,-8,683,-5,878,-5,1593,-5,878,-2,768,-2,559,-2,372,-2,945,-2,793,-2,964,-2,768,-2,970,-2,800,-20,1684,-2,1382,-2,1696,-2,1187,-2,1570,-2,1201,-2,1365,-5,1536,-2,838,-2,1117,-2,899,-110,1596,-2,1199,-2,1463,-2,1166,-2,1648,-2,1093,-2,1633,-2,1197,-2,1249,-2,1133,-2,1516,-2,1121,-2,1463,-2,1111,-2,1489,-2,1209,-2,1126,-113,1055,-2,912,-2,1229,-2,910,-2,970,-2,910,-2,1365,-2,964,-2,1365,-2,893,-2,1265,-2,853,-2,1069,-2,815,-2,1536,-2,881,-2,862,-2,720,-110,1984,1877,1984,1935,1852,1975,1895,1707,1917,1807,1668,1819,1572,1535,1762,1638,1467,1680,1964,1794,1930,1820,1745,1873,1811,1655,1852,1638,1638,1696,1741,1667,1740,1365,1707,1603,1676,1800,1769,1365,1229,1593,1966,1676,1787,-1,1365,1365,1807,1260,1662,1365,683,1536,1726,1572,1837,1593,1117,1692,1769,1402,1744,1707,1229,1456,1853,788,1647,683,1365,1103,1823,1483,1843,1755,1733,1517,1683,1530,1847,1463,1638,1775,1514,901,1731,1229,1536,1463,1890,1536,1851,1365,-1,1792,1707,1587,1906,-2,1536,1446,1807,1752,683,1365,1638,-12,1365,-35,1365,-5,1235,839,1376,1638,512,1604,1223,677,1161,1463,1170,1441,1114,650,956,-1,1638,1463,1390,1277,1524,1593,-1,1725,1254,962,1445,683,1365,1408,1109,993,1004,1536,1365,1638,1755,1792,1472,1365,-2,1489,1408,1414,-1,683,1755,1170,878,1451,1365,-1,1229,731,1229,1162,-2,1138,1418,-1,1264,-2,819,1280,1536,1044,-2,1463,780,931,997,-2,1229,819,683,1046,1536,-1,1489,983,819,945,1365,-1,768,1126,819,630,1365,-2,853,1117,549,-2,1365,796,585,698,-2,512,-39,683,-14,683,-1,683,-3,683,-5,256,-2,1365,-2,410,-5,512,-1,683,-3,683,-4,1365,-12,683,-11,1365,-11,1365,-5,683,-1,683,-3,683,-4,683,878,-5,683,-1,683,-63,1843,1915,1984,1536,1720,1984,-1,1758,1984,-1,1473,1853,-1,1477,1862,-1,1293,1843,1365,1862,1932,-1,1365,1801,1536,1195,1855,1229,878,1771,-1,1536,1396,-1,1536,1536,1365,1365,683,-2,1536,-5,1365,-114,1365,1418,1974,-1,1755,1843,1638,1707,1850,-1,1638,1824,-1,1536,1877,-2,1911,1365,-1,1566,-1,1536,1820,-1,683,1566,-2,1902,-1,1365,683,-1,1365,-9,1365,-2,819,-116,1707,-2,1365,-2,1593,-1,1365,1638,-2,1536,-2,1365,-2,1536,-6,1365,-1,1536,-132,1969,1874,1976,1915,1799,1886,1858,1710,1866,1818,1553,1746,1680,1485,1632,1634,1385,1560,1861,1759,1888,1809,1761,1832,1747,1666,1806,1651,1908,1762,1589,1511,1670,1365,1609,1870,1671,1716,1744,1609,1536,1676,1626,1638,1665,1609,1593,1365,1353,1109,1427,1179,512,1862,1712,1568,1806,1575,1638,1579,1641,1530,1768,1679,945,1623,1398,1289,1600,1506,878,1195,1762,1749,1814,1499,1365,1857,1758,1331,1792,1314,1489,1321,1534,1182,1542,1280,1593,1687,1745,1802,1717,1479,1365,1792,1694,939,1852,1536,1229,1229,1558,1325,1585,1325,683,1303,-3,512,-2,1170,-5,1638,-4,683,1103,-1,683,-2,683,1911,-5,1575,-2,1707,-2,1365,-5,1170,-2,1229,-2,1536,-2,683,-2,1576,1226,1543,1430,1117,1680,1359,881,1305,1477,1365,1471,970,723,1062,1152,585,1006,1596,1000,1505,1536,819,1472,1363,1248,1451,1509,1365,1584,1185,819,1070,1264,683,-1,1593,1365,1609,1509,1638,1365,1338,1593,1092,1446,1229,1755,1087,910,1178,964,1170,1365,1130,931,1383,-1,1536,1408,1365,853,1381,1536,1365,1451,928,1365,1117,1311,1365,896,1256,768,1196,1434,-1,1575,1218,1117,1259,1201,1229,1117,1185,910,1059,1252,1638,819,1365,512,1268,1280,1365,-1,892,819,1092,1280,-1,853,1167,910,762,1463,1365,819,512,-8,1365,-14,819,-2,1365,-2,878,-2,1536,-2,512,-2,1536,-2,585,-2,1229,-2,819,-2,683,-2,228,-1,819,1463,-1,683,931,-2,1536,-2,614,-1,512,1365,-2,1303,-2,1365,-2,723,-1,410,1365,-2,614,-1,683,1280,-1,1365,910,-2,1536,-2,683,-5,853,-1,512,683,-1,1536,1365,-1,1365,-5,1365,683,-2,1707,-5,1536,-1,1365,-2,683,-3,1365,-2,683,-2,683,-2,819,-5,293,-1,683,512,-1,683,1138,-2,683,-1,1365,-36,512,-5,683,-5,410,-5,1984,1916,1984,1856,1706,1854,1948,1804,1916,1754,1533,1752,1682,1569,1638,1469,1223,1385,1848,1813,1927,1555,1471,1798,1807,1581,1842,1688,1536,1673,1536,1536,1685,1626,1179,1553,1638,1843,1741,1638,1117,1451,1792,1463,1707,1463,1280,1725,1365,683,1638,-2,1117,-108,1868,1755,1887,1719,1254,1755,1812,1418,1830,1586,1352,1561,1566,-1,1695,1453,1536,1370,1792,1621,1714,1598,1229,1584,1658,1475,1610,1548,1049,1463,1820,1536,1469,1418,910,1394,1463,1365,1733,1638,1536,1303,-1,1536,1820,1365,1707,1252,1365,-1,878,-2,931,-108,1536,-1,1560,1365,-1,1404,1638,-1,1654,1229,819,1631,1229,-1,1890,910,1536,1268,1229,-1,1536,585,-1,1280,1170,1536,1425,1229,1536,1210,1638,-1,1593,-1,1229,731,-2,1365,1229,-1,1365,-3,512,-1,1365,1365,-1,683,512,-1,1536,-108,1937,1815,1922,1776,1673,1711,1820,1633,1833,1685,1388,1857,1601,1492,1733,1265,1314,1401,1762,1678,1851,1618,1609,1816,1732,1631,1803,1607,1280,1711,1697,1455,1670,1435,922,1303,1587,1463,1673,1593,1229,1434,1517,1463,1656,1463,1536,1489,1543,1229,1556,1299,1229,1707,1612,1300,1705,1556,878,1599,1603,1179,1735,1265,1536,1320,1600,1260,1559,1198,1170,1216,1542,1331,1688,1596,1536,1593,1559,931,1713,1427,1489,1243,1547,-1,1550,1189,768,-1,1666,1792,1676,1286,-1,1769,1661,-1,1775,1415,1536,1303,1602,1536,1482,1274,683,1170,1536,-2,1170,-2,1536,-2,512,-2,878,-2,878,-2,1502,-2,1170,-2,1536,-1,1365,1229,-2,1365,-2,410,-2,1502,-1,1638,1103,-2,1489,-2,1317,-2,1325,-2,745,-2,1411,1234,1575,1360,788,1287,1438,890,1468,1299,512,1283,1047,810,1194,1217,-1,1138,1469,1097,1523,1412,1593,1179,1343,862,1396,1356,1463,1342,1157,1293,1153,1505,512,1092,1268,1536,1293,1273,1638,1365,1303,1170,1664,1055,1536,1280,1221,1365,1418,-1,1365,1365,1347,-1,1454,1219,-1,1365,1264,683,1502,1155,-1,1365,1245,-1,1186,1078,-1,1536,1224,1229,1377,1255,-2,1205,1536,1387,1182,1365,1205,1238,1365,1043,1092,-1,1575,1122,683,1560,981,683,910,1307,819,1229,896,683,-1,1114,683,780,973,683,878,1536,-2,683,-2,1365,-2,683,-2,1365,-1,1365,-3,1365,-2,1365,-2,910,-11,931,-2,768,-2,1536,-2,878,-2,559,-2,512,-2,1229,-1,1536,-3,819,-2,878,-1,1365,1117,-1,683,512,-2,683,-1,1536,-6,1170,-2,878,-1,683,512,-2,1638,-1,819,1434,-2,1229,-1,1365,1365,-1,683,1638,-2,1170,-8,512,-1,683,-6,1365,-2,1365,-2,1280,-2,1138,-5,931,-2,1792,-1,683,910,-1,1365,768,-1,683,1229,-2,683,-5,1365,-32,683,-5,683,-5,1365,-5,512,-2,512,-2,1984,1905,1981,1755,1566,1786,1956,1805,1935,1709,1611,1709,1812,1755,1669,1411,1438,1590,1902,1750,1887,1580,1203,1674,1953,1463,1790,1503,1653,1638,1950,1638,1838,1554,1138,1498,1934,1707,1664,1265,1418,1387,1676,683,1365,1550,1489,1463,1434,683,1755,945,-1,1092,-108,1813,1441,1828,1512,1429,1600,1772,1509,1702,1252,1107,1568,1718,1229,1569,1208,-1,1250,1689,1229,1633,1332,1189,1446,1761,1638,1418,1336,1170,1337,1671,1638,1554,1116,1317,969,1566,1638,1536,1242,-1,1489,1658,683,1536,1200,1463,1497,1229,-1,1365,1162,-1,964,-108,1593,-1,1820,1252,-1,1260,1463,-1,1707,925,-1,1384,931,-2,991,1365,1475,1408,-1,1638,1174,1229,1195,1117,-1,1676,918,1365,1390,1365,-1,819,952,1365,901,1536,-2,1229,1365,1303,1489,-2,1007,683,768,1170,-2,748,-1,945,-108],"sign":[1018,1897,125,307,1562,64,1629,1977,512,1002,235,1788,1840,1468,1984,184,71,715,1096,512,1434,146,512,512,1911,-1,1365,1040,1615,368,662,1145,397,1361,1728,729,1056,752,1250,1644,1256,1655,407,384,775,1032,880,1104,799,893,1088,1125,751,1201,1021,1451,584,736,1005,644,1260,1431,1027,1013,771,1340,1486,1229,1494,581,484,998,1011,952,1116,910,918,1007,1124,1079,1196],"ref":[1896,-1,1749,1619,1459,1295]},"chroma":{"ll_zero":[1484,1176,659],"ll_sign":[961],"ll_mag":[[1742,1775,1733,1365,-8],[1607,1702,1463,1638,-8],[1044,1463,1514,1755,-8]],"band":[1983,1821,1618],"block":[1984,1781,1524,1365,1245,910,1365,410,1922,1749,1505,1250,967,625,361,445,1229,1393,1081,1395,671,843,488,431],"sig":[-990,1835,-2,1365,-2,1812,-2,683,-2,1536,-11,1365,-5,1365,-5,1658,-5,1434,-5,1877,-5,1502,-5,1664,-5,1593,-5,1638,-5,1593,-5,1843,-59,1396,-5,1434,-5,964,-5,1820,-11,1593,-23,1365,-5,1138,-23,1138,-11,1536,-5,878,-71,683,-41,683,-29,1365,-17,1365,-563,1772,-2,1512,-2,1605,-5,1725,-5,1617,-2,512,-2,1229,-11,1324,-2,964,-2,1280,-5,1664,-5,1545,-2,1593,-2,1509,-2,512,-2,1308,-2,1365,-2,1161,-2,559,-2,1755,-5,1365,-14,683,-8,1536,-2,1536,-14,878,-2,1536,-8,683,-5,1418,-2,939,-2,1365,-2,585,-2,737,-2,683,-2,1516,-2,1069,-2,1502,-2,1229,-2,1252,-2,1365,-2,1138,-5,1638,-2,1365,-2,1707,-2,1536,-2,1126,-2,1365,-2,1170,-5,1229,-2,683,-2,1058,-2,896,-2,1229,-5,737,-2,768,-2,1365,-2,945,-2,819,-2,683,-2,931,-2,1229,-5,683,-8,1365,-5,1280,-5,683,-11,878,-2,683,-2,1365,-5,1365,-17,683,-5,1463,-2,683,-2,1365,-5,683,-5,1638,-2,1365,-2,1365,-11,1463,-11,1365,-8,1280,-2,683,-5,683,-5,614,-2,512,-8,1365,-26,683,-14,1170,-2,1365,-32,1934,-2,1393,-2,1365,-2,1229,-2,1365,-2,1229,-5,1365,-2,1365,-119,1955,-2,956,-2,1536,-2,1365,-2,1638,-2,1170,-2,1260,-2,1191,-2,683,-5,1638,-2,1365,-5,819,-122,1638,-5,1365,-2,1638,-5,512,-2,1170,-2,890,-14,1365,-2,1365,-123,1891,1984,-1,683,-2,1551,1928,-1,1365,1365,-1,1320,1820,-4,1593,1966,-2,1365,-1,1170,1707,-4,1365,1946,-11,1536,-5,1365,-4,1229,1937,-4,1365,1862,-5,1638,-5,1792,-5,1755,-5,1707,-11,1365,-64,512,1836,-4,1229,1626,-4,1536,1741,-5,1365,-5,1365,-5,1365,-29,1365,-17,1365,-729,1984,1878,1984,1890,1882,1969,1890,1620,1898,1536,1621,1820,1583,1330,1880,-1,1365,-1,1984,1931,1984,1229,-1,1707,1853,1792,1890,1365,-2,1862,1725,1904,-2,1536,1229,-1,1536,-2,1365,1365,1536,1280,-3,1536,-1,1707,-3,1890,1707,1854,-2,1707,1792,1365,1803,1365,1365,1536,1638,-1,1600,683,-1,1365,1862,1707,1886,-2,1638,1536,683,1626,1365,-1,1365,1733,1638,1775,1536,-1,1365,-2,1707,-3,1536,-1,1638,-5,1365,1365,-8,1365,-47,1877,910,1715,-2,1536,1303,819,1541,-2,1434,931,512,1048,-3,1365,1536,1638,1365,-4,1293,-2,1365,1755,1365,1138,-2,1365,-1,1365,1536,-5,683,-3,683,-5,1638,-1,1638,-3,1365,-1,1463,-4,683,-1,683,-2,683,-5,1365,-1,1365,-3,683,-1,819,-2,512,1365,-7,683,-226,1941,1984,-1,1552,1911,-1,1917,1924,-1,1170,1638,-1,1365,1536,-1,878,1365,-1,1638,1969,-2,1676,-1,1365,1733,-1,683,1303,-2,1365,-11,1365,-2,1536,-116,1896,-2,1687,-1,1229,1853,-1,1365,1707,-2,1593,-2,1638,-2,1536,-2,1365,-2,1365,-1,1365,1638,-2,1365,-17,1365,-119,1365,-2,1536,-150,1968,1817,1939,1660,1625,1714,1907,1659,1901,1775,1583,1862,1749,1272,1575,-1,1502,1463,1819,1630,1868,1862,683,1489,1560,1205,1824,1862,1638,1820,1586,1280,1707,1280,-1,1463,1365,683,1755,1170,-2,1755,1536,-1,683,-2,1365,-1,1638,1365,-2,1571,1365,1735,1775,-1,1365,1755,819,1778,1463,-1,1365,1280,-1,1396,1229,-1,1536,1707,512,1783,1103,410,1463,1687,1365,1556,1170,1536,1365,1676,-1,1638,1365,1365,1365,1280,-1,1593,683,-2,1536,1536,1536,-1,683,-1,1707,-1,1792,683,-20,1365,-8,1365,-2,683,-11,1365,-5,683,-5,1715,768,1687,1117,1365,1536,1676,910,1644,1170,-2,1401,683,1472,1536,683,683,1555,1365,1652,1170,1536,1638,1877,-1,1408,1229,-1,1365,1489,-1,1260,-2,1536,1676,-1,1229,1707,-2,1365,-1,1365,-2,1365,1229,-3,1365,-1,1575,-1,1247,-1,683,-1,1755,683,1792,683,-1,1365,1365,-1,819,683,-1,1229,1195,683,862,1303,-1,1365,1365,-1,1170,-3,512,-1,878,683,-1,683,1536,-1,1365,1365,-1,1536,683,-1,1365,-5,683,1365,-35,683,-14,1365,-23,1365,-2,683,-5,1365,-2,1365,-5,1229,-4,683,-8,683,-3,683,-17,683,-5,1365,-11,1365,-2,683,-1,1365,-66,1984,1962,1984,1387,1439,1681,1920,1843,1862,1638,1489,1434,1536,1479,1463,1434,1560,1707,1886,1820,1936,1311,1170,1612,1792,-1,1593,1365,512,878,-1,1536,1638,1638,-1,1434,683,-1,1536,-5,1365,-2,1365,-3,1536,-110,1807,410,1803,1638,512,1611,1707,-1,1792,1229,1536,1733,-2,1755,683,-1,1229,1755,-1,1446,1479,683,1393,1365,-1,1536,1365,683,683,-1,1365,-1,878,683,1463,-5,1365,-5,1365,-116,1536,1707,-1,1638,-2,683,-2,1707,-4,683,1536,1365,-2,1365,-1,1229,-2,1365,-5,1365,1536,-1,1365,-5,1365,-6,1365,-113],"sign":[1159,1638,410,512,-2,1638,1365,-1,1210,-2,1638,-2,293,-11,968,1964,293,655,683,410,1502,1792,-1,931,241,1365,1682,683,1792,410,410,1638,1201,-1,1638,410,-5,1052,1701,329,599,1609,361,1247,1638,853,1011,544,1545,1661,1186,1451,467,341,862,1005,960,1463,986,683,-1,834,683,1707],"ref":[-2,1880,-1,1613,1599]}});
const DCT_PRIORS = {"last":[[64,64,64,64,64,64,64,64,216,527,303,1745],[64,64,83,171,245,137,503,512,1024,1934,1024,1024]],"zero":[[64,1024,1024,108,512,114,205,134,390,121,443,251,502,324,787,464,1163,554,1419,752,1499,1045,1883,1478],[138,1024,341,644,661,236,1100,436,1100,514,1085,705,1300,807,1498,1033,1701,1285,1865,1584,1984,1877,1024,1024]],"mag":[[[64,64,108,332,384,759,910,1489,1536,1024,1024,1024],[166,234,512,492,717,1024,1280,1536,1024,1024,1024,1024],[144,275,382,460,788,1147,1024,1755,1024,1024,1024,1024],[223,347,492,742,1142,1451,1536,1365,1024,1024,1024,1024],[218,420,567,851,1170,1550,1843,1024,1024,1024,1024,1024],[404,568,832,1077,1438,1812,1536,1024,1024,1024,1024,1024],[503,757,1033,1389,1882,1755,1024,1024,1024,1024,1024,1024],[677,910,1283,1753,1984,1024,1024,1024,1024,1024,1024,1024],[884,1249,1648,1949,1755,1024,1024,1024,1024,1024,1024,1024],[1215,1621,1918,1870,1365,1024,1024,1024,1024,1024,1024,1024],[1570,1912,1984,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1914,1984,1862,1024,1024,1024,1024,1024,1024,1024,1024,1024]],[[88,301,417,811,1161,1463,1638,1024,1024,1024,1024,1024],[580,683,834,964,1434,1536,1024,1024,1024,1024,1024,1024],[666,731,1080,1289,1489,1536,1024,1024,1024,1024,1024,1024],[676,987,1234,1434,1843,1024,1024,1024,1024,1024,1024,1024],[849,1049,1165,1365,1792,1365,1024,1024,1024,1024,1024,1024],[1003,1202,1528,1856,1536,1024,1024,1024,1024,1024,1024,1024],[1219,1552,1643,1934,1024,1024,1024,1024,1024,1024,1024,1024],[1506,1740,1957,1365,1024,1024,1024,1024,1024,1024,1024,1024],[1798,1889,1862,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1934,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1984,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024],[1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024,1024]]]};
// END PRIORS

if (typeof process !== "undefined" && process.argv && import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith("--")));
  const [input, output, sizeText] = args.filter((a) => !a.startsWith("--"));
  const { readFileSync, writeFileSync } = await import("node:fs");
  try {
    const size = sizeText ? { width: Number(sizeText.split("x")[0]), height: Number(sizeText.split("x")[1]) } : {};
    size.bare = flags.has("--bare") || flags.has("--partial");
    size.partial = flags.has("--partial");
    const stored = readFileSync(input);
    const bytes = flags.has("--text") ? fromBase64url(stored.toString("latin1").trim()) : stored;
    writeFileSync(output, toPnm(decode(bytes, size)));
  } catch (error) {
    console.error(`pci.mjs: ${error.message}`);
    process.exit(1);
  }
}

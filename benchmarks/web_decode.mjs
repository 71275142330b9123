// Decode times of web/pci.mjs under node: the median of 7 decodes (after one warm-up) of
// conformance vectors at their own size. Usage: node benchmarks/web_decode.mjs [FILE.pci ...]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode } from "../web/pci.mjs";

const vectors = fileURLToPath(new URL("../spec/vectors/valid/", import.meta.url));
const files = process.argv.slice(2);
if (!files.length) {
  for (const name of ["thumb-kodak-55", "wavelet-kodak-491", "wavelet-kodak-983-no-prompt", "wavelet-v2-kodak-491", "wavelet-v2-kodak-983", "embedded-kodak-983", "embedded-v3-kodak-983"]) {
    files.push(`${vectors}${name}.pci`);
  }
}
console.log("| file | bytes | output | median ms | min ms |\n|---|---|---|---|---|");
for (const file of files) {
  const bytes = readFileSync(file);
  const first = decode(bytes);
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    decode(bytes);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const name = file.split("/").pop();
  console.log(`| ${name} | ${bytes.length} | ${first.width}x${first.height} | ${times[3].toFixed(1)} | ${times[0].toFixed(1)} |`);
}

// Compile spec/pci.ksy to Python with the official Kaitai Struct compiler (npm build).
// Usage: NODE_PATH=<dir with kaitai-struct-compiler and js-yaml> node spec/kaitai/compile.js
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");
const loaded = require("kaitai-struct-compiler");
const compiler = typeof loaded === "function" ? new loaded() : (loaded.default || loaded);
const ksy = yaml.load(fs.readFileSync(path.join(__dirname, "..", "pci.ksy"), "utf8"));
compiler.compile("python", ksy, null, false).then((files) => {
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(__dirname, name), text);
    console.log(`wrote spec/kaitai/${name} (compiler ${compiler.version})`);
  }
}).catch((err) => { console.error(err); process.exit(1); });

// Gives the functions a wasm bundle imports from its JS glue one- or two-letter names, in the
// wasm and in the glue alike (run by precompress.sh on release builds).
//
// wasm-bindgen names each import after the JS it calls plus a 16-hex-digit hash
// (`__wbg_getElementById_7ee213db584f37b0`), and every name is written twice: in the wasm's
// import section and as a key of the glue's import object. The hashes are random to brotli,
// so ~200 of them cost the login bundle's first load ~4 KB (docs/benchmarks.md). Neither
// terser nor wasm-opt can shorten a name that crosses the boundary; emscripten does the same
// with binaryen's minify-imports pass. Only the import section is rewritten: every other
// byte of the wasm stays as wasm-opt left it.
//
// Usage: node minify-imports.mjs BUNDLE_bg.wasm BUNDLE.js
// Any surprise (an import that is not a function, a name that is not exactly once in the
// glue) stops the build with a message: a missed rename would only show as a LinkError in the
// browser.
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) fail("usage: minify-imports.mjs BUNDLE_bg.wasm BUNDLE.js");
const wasm = readFileSync(wasmPath);
let glue = readFileSync(jsPath, "utf8");

function fail(message) {
  console.error(`minify-imports: ${message}`);
  process.exit(1);
}

function readU32(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= wasm.length) fail(`${wasmPath} ends inside a number`);
    const byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function u32(value) {
  const bytes = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return Buffer.from(bytes);
}

function readName(at) {
  const [length, start] = readU32(at);
  return [wasm.toString("utf8", start, start + length), start + length];
}

function encodeName(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([u32(bytes.length), bytes]);
}

// a, b, … Z, aa, ab, …: valid identifiers, so terser's unquoted keys stay valid.
function shortName(index) {
  const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const rest = first + "0123456789";
  let name = first[index % first.length];
  index = Math.floor(index / first.length);
  while (index > 0) {
    index -= 1;
    name += rest[index % rest.length];
    index = Math.floor(index / rest.length);
  }
  return name;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// Replaces `from` with `to` where it stands alone as a name, asserting it does exactly once.
function renameOnce(pattern, from, to, what) {
  const found = glue.match(new RegExp(pattern, "g")) ?? [];
  if (found.length !== 1) fail(`${what} ${from} is ${found.length} times in ${jsPath}, not once`);
  glue = glue.replace(new RegExp(pattern), to);
}

if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${wasmPath} is not a wasm module`);
const sections = [wasm.subarray(0, 8)];
let at = 8;
let renamed = 0;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = readU32(at + 1);
  const end = body + size;
  if (id !== 2) {
    sections.push(wasm.subarray(at, end));
    at = end;
    continue;
  }
  let [count, cursor] = readU32(body);
  const imports = [u32(count)];
  const modules = new Set();
  for (let index = 0; index < count; index++) {
    let module, field;
    [module, cursor] = readName(cursor);
    [field, cursor] = readName(cursor);
    const kind = wasm[cursor];
    if (kind !== 0) fail(`import ${module} ${field} is not a function (kind ${kind})`);
    const [type, next] = readU32(cursor + 1);
    cursor = next;
    modules.add(module);
    const name = shortName(index);
    renameOnce(`(?<![\\w$])${escape(field)}(?![\\w$])`, field, name, "import");
    imports.push(encodeName("a"), encodeName(name), Buffer.from([0]), u32(type));
    renamed++;
  }
  if (cursor !== end) fail(`${wasmPath}'s import section has bytes after its last import`);
  // Every module is renamed `a`: two would merge into one.
  if (modules.size > 1) fail(`${wasmPath} imports from ${[...modules].join(", ")}, not one module`);
  for (const module of modules) {
    renameOnce(`(["'])${escape(module)}\\1`, module, `"a"`, "module");
  }
  const content = Buffer.concat(imports);
  sections.push(Buffer.from([2]), u32(content.length), content);
  at = end;
}
if (at !== wasm.length) fail(`${wasmPath} ends inside a section`);
writeFileSync(wasmPath, Buffer.concat(sections));
writeFileSync(jsPath, glue);
console.log(`minify-imports: ${renamed} imports of ${wasmPath} renamed`);

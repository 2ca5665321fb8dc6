// The input's layout from its first non-whitespace byte, as mergepipe detects it; a gzip
// input is looked at decompressed.
const fs = require("fs");
const zlib = require("zlib");

module.exports = function isArray(path) {
  const fd = fs.openSync(path, "r");
  const head = Buffer.alloc(65536);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  let bytes = head.subarray(0, n);
  if (n >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  }
  return bytes.subarray(0, 64).toString("latin1").trimStart().startsWith("[");
};

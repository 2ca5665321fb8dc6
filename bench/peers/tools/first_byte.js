// The input's layout from its first non-whitespace byte, as mergepipe detects it.
const fs = require("fs");

module.exports = function isArray(path) {
  const fd = fs.openSync(path, "r");
  const head = Buffer.alloc(64);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return head.subarray(0, n).toString("latin1").trimStart().startsWith("[");
};

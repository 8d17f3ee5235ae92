/**
 * JSON as Kong's lua-cjson writes it: like `JSON.stringify`, but with `/` escaped as `\/`
 * (cjson's default, which Kong keeps) and DEL escaped, so bodies match Kong's bytes.
 */
export function kongJson(value: unknown): string {
  return JSON.stringify(value).replace(/[/\u007f]/g, (ch) => (ch === "/" ? "\\/" : "\\u007f"));
}

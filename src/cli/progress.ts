/**
 * Progress for long commands on stderr: one line redrawn in place on a terminal, a line every
 * few seconds otherwise (CI logs stay readable).
 */
export interface ProgressLine {
  update(text: string): void;
  done(text: string): void;
}

export function progressLine(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): ProgressLine {
  let last = 0;
  let lastText = '';
  return {
    update(text) {
      lastText = text;
      if (stream.isTTY) { stream.write(`\r\x1b[2K${text}`); return; }
      if (Date.now() - last >= everyMs) { last = Date.now(); stream.write(`${text}\n`); }
    },
    done(text) {
      if (stream.isTTY && lastText) stream.write('\r\x1b[2K');
      stream.write(`${text}\n`);
    },
  };
}

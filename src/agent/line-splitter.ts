/**
 * Both CLIs print one JSON event per line on stdout, in chunks that split lines anywhere: complete lines go to
 * `onLine` as they arrive, and a last line without a newline (a crash mid-write) when the stream ends.
 */
export class LineSplitter {
  private buffer = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf("\n");
    while (newline !== -1) {
      this.onLine(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf("\n");
    }
  }

  end(): void {
    if (this.buffer.length > 0) this.onLine(this.buffer);
    this.buffer = "";
  }
}

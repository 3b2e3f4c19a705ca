// Numbers in the footers of what the bot posts. (Text safety lives in src/text-safety.)

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
}

export function formatTokens(n: number): string {
  return n.toLocaleString("en-US");
}

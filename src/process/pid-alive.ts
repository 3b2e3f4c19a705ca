/** Whether a process with this pid exists (EPERM: it does, but belongs to another user). For lock files left by a dead holder. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// The emulator clock: real time (or an injected clock) plus an offset the control API moves.
export class Clock {
  offsetMs = 0;
  private base: () => Date;
  constructor(base: () => Date) {
    this.base = base;
  }
  now(): Date {
    return new Date(this.base().getTime() + this.offsetMs);
  }
  set(target: Date): void {
    this.offsetMs = target.getTime() - this.base().getTime();
  }
  reset(): void {
    this.offsetMs = 0;
  }
}

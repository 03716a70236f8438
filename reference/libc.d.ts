export function dup(fd: number): number;
export function dieWithParent(): void;

import { InvalidArgumentError } from 'commander';

/** commander argument parsers shared by the commands; a bad value stops the command with the flag's name. */

export function parseIntInRange(min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`'${value}' is not an integer.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${n} is outside [${min}, ${max}].`);
    return n;
  };
}

/** For repeatable flags (`--config k=v --config k2=v2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

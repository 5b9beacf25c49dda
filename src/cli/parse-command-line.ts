import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` returns for a command's options. */
export type ParsedCommandLine<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** `parseArgs` in strict mode, with its errors turned into usage errors that say what to do. */
export function parseCommandLine<O extends Options>(command: string, args: readonly string[], options: O): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explain(error), command);
  }
}

function explain(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^']*)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option !== undefined && message.includes('argument missing') ? `${longName(option)} needs a value` : message;
    default:
      return message;
  }
}

/** `-p, --protocol <value>` → `--protocol`. */
function longName(option: string): string {
  return /--[\w-]+/.exec(option)?.[0] ?? option;
}

/** The one positional argument a command takes, or a usage error naming it. */
export function onePositional(command: string, positionals: readonly string[], name: string, example: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined) throw new UsageError(`missing <${name}>, e.g. ${example}`, command);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" after <${name}> (quote values with spaces)`, command);
  return value;
}

/** A positive integer option, or a usage error. */
export function positiveInteger(command: string, option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${option} must be a positive whole number, not "${value}"`, command);
  return number;
}

/** A number of seconds ≥ 0, or a usage error. */
export function seconds(command: string, option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new UsageError(`${option} must be a number of seconds, not "${value}"`, command);
  return number;
}

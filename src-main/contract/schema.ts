/**
 * A tiny runtime schema helper for the IPC contract (no external library). A schema checks an
 * `unknown` value and either returns it typed or names the first problem with a path such as
 * `args[0].sampling.topP`. Objects are strict: unknown keys are rejected, so a typo in a request is a
 * BAD_REQUEST rather than a silently ignored field.
 */

export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: string };

/** A runtime check whose static type is `T`. */
export interface Schema<T> {
  /** Human-readable description used in error messages, e.g. `string(1..200)`. */
  readonly description: string;
  /** True for schemas built with `s.optional`: the key may be absent in an object. */
  readonly optional: boolean;
  check(value: unknown, path: string): Validation<T>;
}

/** A schema whose key may be absent inside an object. */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Flatten<T> = { [K in keyof T]: T[K] };
export type InferShape<S extends Shape> = Flatten<
  { readonly [K in RequiredKeys<S>]: Infer<S[K]> } & { readonly [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

const pass = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = (path: string, expected: string, value: unknown): Validation<never> => ({
  ok: false,
  issue: `${path}: expected ${expected}, got ${describeValue(value)}`,
});

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function schema<T>(description: string, check: (value: unknown, path: string) => Validation<T>): Schema<T> {
  return { description, optional: false, check };
}

export interface StringRules {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
}

export interface NumberRules {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

function string(rules: StringRules = {}): Schema<string> {
  const min = rules.minLength ?? 0;
  const max = rules.maxLength ?? Number.MAX_SAFE_INTEGER;
  const description = `string(${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max})${rules.pattern ? ` matching ${String(rules.pattern)}` : ''}`;
  return schema(description, (value, path) => {
    if (typeof value !== 'string' || value.length < min || value.length > max) return fail(path, description, value);
    if (rules.pattern && !rules.pattern.test(value)) return fail(path, description, value);
    return pass(value);
  });
}

function number(rules: NumberRules = {}): Schema<number> {
  const kind = rules.integer ? 'integer' : 'number';
  const description = `${kind}${rules.min !== undefined || rules.max !== undefined ? `(${rules.min ?? ''}..${rules.max ?? ''})` : ''}`;
  return schema(description, (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, description, value);
    if (rules.integer && !Number.isInteger(value)) return fail(path, description, value);
    if ((rules.min !== undefined && value < rules.min) || (rules.max !== undefined && value > rules.max)) return fail(path, description, value);
    return pass(value);
  });
}

function boolean(): Schema<boolean> {
  return schema('boolean', (value, path) => (typeof value === 'boolean' ? pass(value) : fail(path, 'boolean', value)));
}

/** One of a fixed list of literal values (strings, numbers or booleans). */
function oneOf<const L extends string | number | boolean>(values: readonly L[]): Schema<L> {
  const description = values.map((v) => JSON.stringify(v)).join(' | ');
  return schema(description, (value, path) => ((values as readonly unknown[]).includes(value) ? pass(value as L) : fail(path, description, value)));
}

function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  return {
    description: `${inner.description}?`,
    optional: true,
    check: (value, path) => (value === undefined ? pass(undefined) : inner.check(value, path)),
  };
}

function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema(`${inner.description} | null`, (value, path) => (value === null ? pass(null) : inner.check(value, path)));
}

function array<T>(item: Schema<T>, rules: { readonly maxLength?: number } = {}): Schema<readonly T[]> {
  const max = rules.maxLength ?? Number.MAX_SAFE_INTEGER;
  const description = `array of ${item.description}`;
  return schema(description, (value, path) => {
    if (!Array.isArray(value) || value.length > max) return fail(path, `${description} (at most ${max})`, value);
    const out: T[] = [];
    for (let i = 0; i < value.length; i++) {
      const checked = item.check(value[i], `${path}[${i}]`);
      if (!checked.ok) return checked;
      out.push(checked.value);
    }
    return pass(out);
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A plain object with exactly these keys (optional ones may be absent); unknown keys are rejected. */
function object<const S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  const description = `{ ${keys.map((k) => `${k}${shape[k]?.optional ? '?' : ''}`).join(', ')} }`;
  return schema(description, (value, path) => {
    if (!isPlainObject(value)) return fail(path, `object ${description}`, value);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) return { ok: false, issue: `${path}.${key}: unknown key` };
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const checked = (shape[key] as Schema<unknown>).check(value[key], `${path}.${key}`);
      if (!checked.ok) return checked;
      if (checked.value !== undefined) out[key] = checked.value;
    }
    return pass(out as InferShape<S>);
  });
}

type InferTuple<Items extends readonly Schema<unknown>[]> = { -readonly [I in keyof Items]: Infer<Items[I]> };

/** A fixed-length array, used for the argument list of a method. */
function tuple<const Items extends readonly Schema<unknown>[]>(...items: Items): Schema<InferTuple<Items>> {
  const description = `[${items.map((i) => i.description).join(', ')}]`;
  return schema(description, (value, path) => {
    if (!Array.isArray(value) || value.length !== items.length) return fail(path, `${items.length} argument(s) ${description}`, value);
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const checked = (items[i] as Schema<unknown>).check(value[i], `${path}[${i}]`);
      if (!checked.ok) return checked;
      out.push(checked.value);
    }
    return pass(out as InferTuple<Items>);
  });
}

/** Schema builders. */
export const s = { string, number, boolean, oneOf, optional, nullable, array, object, tuple };

// Family arguments formatted exactly as the .NET key factories format them (SignalKey.FormatArgument, then escaping), served beside
// client.js: the helpers of the key builders the server generates from its catalog ({prefix}/keys.js imports them from here).
//
// Each formatter checks that the argument is one the declared .NET type can hold (a TypeError for the wrong JavaScript type, a
// RangeError for a value outside the type) and returns the escaped segment; join() puts a key together and checks its length.

const MAX_BYTES = 512;
const encoder = new TextEncoder();

/**
 * Escapes an argument as SignalKey does: ':', '%' and control characters (U+0000–U+001F, U+007F–U+009F) become %XX; a lone
 * surrogate or an empty argument is refused.
 * @param {string} name the parameter, for messages
 * @param {string} value
 * @returns {string}
 */
export function escapeArgument(name, value) {
  if (value.length === 0) throw new RangeError(`${name}: a family argument must not be empty (an empty segment would not be a key).`);
  let escaped = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x3a || code === 0x25 || code <= 0x1f || (code >= 0x7f && code <= 0x9f)) {
      escaped += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      escaped += value[i] + value[++i];
    } else if (code >= 0xd800 && code <= 0xdfff) {
      throw new RangeError(`${name}: a family argument is not well-formed UTF-16: lone surrogate U+${code.toString(16).toUpperCase()} at position ${i}.`);
    } else {
      escaped += value[i];
    }
  }
  return escaped;
}

/**
 * Joins a key's segments (literal segments as declared, arguments already escaped) and checks the key's length.
 * @param {string[]} segments
 * @returns {string}
 */
export function join(segments) {
  const key = segments.join(':');
  const bytes = encoder.encode(key).length;
  if (bytes > MAX_BYTES) throw new RangeError(`A signal key is at most ${MAX_BYTES} UTF-8 bytes; this one is ${bytes}.`);
  return key;
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {string} expected what the argument must be, e.g. 'a string'
 * @returns {never}
 */
function wrongType(name, value, expected) {
  throw new TypeError(`${name} must be ${expected}; got ${value === null ? 'null' : typeof value}.`);
}

/**
 * A string argument, as it is.
 * @param {string} name
 * @param {unknown} value
 */
export function text(name, value) {
  if (typeof value !== 'string') wrongType(name, value, 'a string');
  return escapeArgument(name, value);
}

/**
 * An integer in the range of its .NET type, in invariant form: a number (a safe integer) or a bigint.
 * @param {string} name
 * @param {unknown} value
 * @param {string} type the .NET type, e.g. 'Int64'
 * @param {string} minimum the smallest value, as a decimal string
 * @param {string} maximum the largest value
 */
export function integer(name, value, type, minimum, maximum) {
  /** @type {bigint} */
  let exact;
  if (typeof value === 'bigint') {
    exact = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${name} must be a whole number that a double holds exactly (at most 2^53 - 1 in size; use a bigint beyond); got ${value}.`);
    }
    exact = BigInt(value);
  } else {
    return wrongType(name, value, `an integer (a number or a bigint) for ${type}`);
  }
  if (exact < BigInt(minimum) || exact > BigInt(maximum)) {
    throw new RangeError(`${name} must be a ${type}, from ${minimum} to ${maximum}; got ${exact}.`);
  }
  return exact.toString();
}

/**
 * true or false.
 * @param {string} name
 * @param {unknown} value
 */
export function boolean(name, value) {
  if (typeof value !== 'boolean') wrongType(name, value, 'a boolean');
  return value ? 'true' : 'false';
}

/**
 * A Guid in its 'D' form (any case in, lower case out, as .NET writes it).
 * @param {string} name
 * @param {unknown} value
 */
export function guid(name, value) {
  if (typeof value !== 'string') wrongType(name, value, 'a Guid string');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new RangeError(`${name} must be a Guid in its 'D' form, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e; got '${value}'.`);
  }
  return value.toLowerCase();
}

/**
 * The name of a member of the enum, case-sensitive.
 * @param {string} name
 * @param {unknown} value
 * @param {string} type the enum's name
 * @param {readonly string[]} members its member names
 */
export function member(name, value, type, members) {
  if (typeof value !== 'string') wrongType(name, value, `a member name of ${type}`);
  if (!members.includes(value)) throw new RangeError(`${name}: '${value}' is not a member of ${type}: ${members.join(', ')}.`);
  return value;
}

/**
 * @param {number} year
 * @param {number} month 1-12
 * @param {number} day
 */
const isDate = (year, month, day) => {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/**
 * A DateOnly as yyyy-MM-dd.
 * @param {string} name
 * @param {unknown} value
 */
export function dateOnly(name, value) {
  if (typeof value !== 'string') wrongType(name, value, "a date string 'yyyy-MM-dd'");
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match || !isDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RangeError(`${name} must be a date as yyyy-MM-dd, e.g. 2024-05-17; got '${value}'.`);
  }
  return value;
}

/** @param {number} value @param {number} digits */
const pad = (value, digits) => String(value).padStart(digits, '0');

/**
 * A DateTimeOffset in the ISO 8601 round-trip form .NET writes ('O'): a Date is written in UTC (+00:00), a string must already be in
 * that form (2024-05-17T08:30:00.0000000+02:00). Its ':' are escaped in the key.
 * @param {string} name
 * @param {unknown} value
 */
export function dateTimeOffset(name, value) {
  /** @type {string} */
  let formatted;
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time) || value.getUTCFullYear() < 1 || value.getUTCFullYear() > 9999) {
      throw new RangeError(`${name} must be a valid date between the years 1 and 9999; got ${String(value)}.`);
    }
    formatted = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)}T`
      + `${pad(value.getUTCHours(), 2)}:${pad(value.getUTCMinutes(), 2)}:${pad(value.getUTCSeconds(), 2)}.${pad(value.getUTCMilliseconds(), 3)}0000+00:00`;
  } else if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{7}[+-](\d{2}):([0-5]\d)$/.exec(value);
    if (!match || !isDate(Number(match[1]), Number(match[2]), Number(match[3])) || Number(match[5]) > 14) {
      throw new RangeError(`${name} must be a Date, or a string in the round-trip form 'O', e.g. 2024-05-17T08:30:00.0000000+02:00; got '${value}'.`);
    }
    formatted = value;
  } else {
    return wrongType(name, value, 'a Date or an ISO 8601 string');
  }
  return escapeArgument(name, formatted);
}

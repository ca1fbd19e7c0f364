// Keys JavaScript objects hold apart: an array index ("0" … "4294967294") is listed before every
// other key, in numeric order, whatever order the keys were added in (and so JSON.stringify writes it).

/** Whether `key` is an array index, which an object lists first, by number. */
export const isArrayIndex = (key: string) => key.length > 0 && key.length <= 10 && String(Number(key) >>> 0) === key && key !== '4294967295';

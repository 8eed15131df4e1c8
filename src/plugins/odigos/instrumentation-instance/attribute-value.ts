import { type AnyValue, type KeyValue } from '../../../generated/opamp/v1/anyvalue.js';
import { type RecordAttribute } from './instrumentation-instance.record.js';
import { formatGoFloatFixed } from './go-number-format.js';

/**
 * An AnyValue as odiglet writes it into `status.identifyingAttributes` (docs/odigos.md;
 * `ConvertAnyValueToString`): a string as-is, an int in decimal, a bool as `true`/`false`, a double in
 * Go's shortest fixed form; arrays, key-value lists, bytes and an empty value become `""`.
 */
export function stringifyAnyValue(value: AnyValue | undefined): string {
  const inner = value?.value;
  switch (inner?.$case) {
    case 'stringValue':
      return inner.value;
    case 'intValue':
      return inner.value.toString(10);
    case 'boolValue':
      return inner.value ? 'true' : 'false';
    case 'doubleValue':
      return formatGoFloatFixed(inner.value);
    default:
      return '';
  }
}

/**
 * Every attribute with its value stringified, in the agent's order. Attributes with an empty key are left
 * out: the CRD requires `key` to have at least one character, and one such key would fail the whole write.
 */
export function stringifyAttributes(attributes: readonly KeyValue[]): RecordAttribute[] {
  return attributes
    .filter((attribute) => attribute.key !== '')
    .map((attribute) => ({ key: attribute.key, value: stringifyAnyValue(attribute.value) }));
}

import { type CustomResourceObject } from '../../plugin-api/index.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './persistence.constants.js';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether Kubernetes accepts `value` as a label value (at most 63 characters, alphanumeric ends). */
export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Whether this server (on any node) created `object`; nothing else is ever modified or deleted. */
export function isManagedByUs(object: Pick<CustomResourceObject, 'metadata'>): boolean {
  return object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** `labels` without the values Kubernetes would reject (a long name is left out rather than failing a create). */
export function validLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => isValidLabelValue(value)));
}

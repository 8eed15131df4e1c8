/** Moved to the KubernetesModule folder; re-exported here so existing imports keep working. */
export { ReflectedCache } from '../kubernetes/reflected-cache.js';

import { type ComponentHealth } from '../api/admin-types.js';
import { Badge } from './status.js';

/** A component health tree as nested lists (OpAMP ComponentHealth.component_health_map). */
export function HealthTree({ name, health }: { name: string; health: ComponentHealth }) {
  const children = Object.entries(health.components);
  return (
    <li>
      <span class="component">
        <Badge kind={health.healthy ? 'healthy' : 'unhealthy'}>
          {health.healthy ? 'healthy' : 'unhealthy'}
        </Badge>{' '}
        <strong>{name}</strong>
        {health.status && <span class="muted"> {health.status}</span>}
        {health.lastError && <span class="error-text"> — {health.lastError}</span>}
      </span>
      {children.length > 0 && (
        <ul>
          {children.map(([child, component]) => (
            <HealthTree key={child} name={child} health={component} />
          ))}
        </ul>
      )}
    </li>
  );
}

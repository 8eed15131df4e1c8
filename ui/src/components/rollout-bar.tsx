import { ROLLOUT_STATES, type Rollout } from '../api/admin-types.js';
import { CountsBar } from './counts-bar.js';

/** A config's rollout over the agents it reaches, per remote config status. */
export function RolloutBar({ name, rollout }: { name: string; rollout: Rollout }) {
  return (
    <CountsBar
      title={`Rollout of ${name}: ${rollout.agents} agents`}
      segments={ROLLOUT_STATES.filter((state) => state !== 'none').map((state) => ({
        label: state,
        count: rollout[state],
        kind: state,
      }))}
    />
  );
}

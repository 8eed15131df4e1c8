import { type MissingNode } from '../api/admin-types.js';

/** The marks of a hub's answer (`AgentList`, `ConfigList`, `FleetSummary`, ... all carry them, optional). */
type HubMarks = { partial?: boolean; missingNodes?: MissingNode[] };

/**
 * A hub marks an answer that lacks some node servers (`partial: true`, `missingNodes`): the page says which,
 * so a short list is never taken for the whole fleet. Node servers never mark their answers.
 */
export function PartialNotice({ answer }: { answer: HubMarks | undefined }) {
  if (answer?.partial !== true || !answer.missingNodes) return null;
  const missing = answer.missingNodes;
  return (
    <p class="error" role="alert" data-testid="partial">
      Partial answer: {missing.length} node server(s) did not answer in time —{' '}
      {missing
        .map((node) => `${node.node} (${node.reason}${node.detail ? `: ${node.detail}` : ''})`)
        .join(', ')}
      .
    </p>
  );
}

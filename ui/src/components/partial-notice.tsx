/** A node a hub's answer lacks: `{ node, reason, detail }`. */
interface MissingNode {
  node: string;
  reason: string;
  detail: string;
}

/**
 * A hub marks an answer that lacks some node servers (`partial: true`, `missingNodes`): the page says which,
 * so a short list is never taken for the whole fleet. Node servers never mark their answers.
 */
export function PartialNotice({ answer }: { answer: object | undefined }) {
  const marks = answer as { partial?: unknown; missingNodes?: unknown } | undefined;
  if (marks?.partial !== true || !Array.isArray(marks.missingNodes)) return null;
  const missing = marks.missingNodes as MissingNode[];
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

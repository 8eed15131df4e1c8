import { type ConfigFile } from '../api/admin-types.js';
import { diffLines } from './line-diff.js';

const text = (file: ConfigFile | undefined): string =>
  file === undefined
    ? ''
    : file.encoding === 'utf8'
      ? file.body
      : `(binary, ${file.body.length} base64 characters)`;

/**
 * The effective config (what the agent runs) next to the remote config (what the server offers), file by
 * file, and a line diff from the first to the second.
 */
export function ConfigCompare({
  effective,
  remote,
}: {
  effective: Record<string, ConfigFile> | null;
  remote: Record<string, ConfigFile> | null;
}) {
  const names = [...new Set([...Object.keys(effective ?? {}), ...Object.keys(remote ?? {})])].sort();
  if (names.length === 0)
    return <p class="muted">The agent reported no effective config and was offered none.</p>;
  return (
    <>
      {names.map((name) => {
        const before = text(effective?.[name]);
        const after = text(remote?.[name]);
        const diff = diffLines(before, after);
        const label = name === '' ? '(single file)' : name;
        return (
          <section key={name} class="compare" aria-label={`Config file ${label}`}>
            <h3>{label}</h3>
            <div class="side-by-side">
              <div>
                <h4>Effective (reported by the agent)</h4>
                <pre tabIndex={0}>{effective?.[name] ? before : '(not reported)'}</pre>
              </div>
              <div>
                <h4>Remote (offered by the server)</h4>
                <pre tabIndex={0}>{remote?.[name] ? after : '(not offered)'}</pre>
              </div>
            </div>
            <h4>Diff, effective → remote</h4>
            {diff === undefined ? (
              <p class="muted">Too long to diff here.</p>
            ) : diff.every((line) => line.kind === 'same') ? (
              <p class="muted">Identical.</p>
            ) : (
              <pre class="diff" tabIndex={0}>
                {diff.map((line, i) => (
                  <span key={i} class={`diff-${line.kind}`}>
                    {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                    {line.text}
                    {'\n'}
                  </span>
                ))}
              </pre>
            )}
          </section>
        );
      })}
    </>
  );
}

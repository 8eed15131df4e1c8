import { api, unwrap } from '../api/admin-client.js';
import { ErrorNote } from '../components/status.js';
import { useLoad } from '../use-load.js';

/** A list answer read row by row: every field of every item is a column. */
interface ItemList {
  items: Array<Record<string, unknown>>;
}

const rows = (list: { items: object[] }): ItemList => ({
  items: list.items as Array<Record<string, unknown>>,
});

const LOADERS: Record<'offers', () => Promise<ItemList>> = {
  offers: async () => rows(unwrap(await api.GET('/api/v1/connection-offers'))),
};

const cell = (value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** A read-only list of named items (connection offers): a row each, every field shown. */
export function ItemListPage({ kind, title }: { kind: 'offers'; title: string }) {
  const { data, error } = useLoad(LOADERS[kind], kind);
  const columns = [...new Set((data?.items ?? []).flatMap((item) => Object.keys(item)))];
  return (
    <section aria-labelledby="list-title">
      <h1 id="list-title">{title}</h1>
      <ErrorNote message={error} />
      {data?.items.length === 0 && <p>None defined.</p>}
      {data && data.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.items.map((item, i) => (
                <tr key={i}>
                  {columns.map((column) => (
                    <td key={column}>
                      <code>{cell(item[column])}</code>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { adminToken, signInRequired, signOut } from './auth.js';
import { liveMode } from './live.js';
import { AgentPage } from './pages/agent-page.js';
import { AgentsPage } from './pages/agents-page.js';
import { ConfigEditorPage } from './pages/config-editor-page.js';
import { ConfigsPage } from './pages/configs-page.js';
import { ItemListPage } from './pages/item-list-page.js';
import { PackagesPage } from './pages/packages-page.js';
import { NodesPage } from './pages/nodes-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { location, match } from './router.js';
import { SignIn } from './sign-in.js';
import { theme, toggleTheme } from './theme.js';

const NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Overview' },
  { href: '/agents', label: 'Agents' },
  { href: '/configs', label: 'Configs' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/packages', label: 'Packages' },
  { href: '/connection-offers', label: 'Connection offers' },
];

function Page({ path }: { path: string }) {
  if (path === '/' || path === '') return <OverviewPage />;
  if (match('/agents', path)) return <AgentsPage />;
  const agent = match('/agents/:id', path);
  if (agent) return <AgentPage id={agent.id ?? ''} />;
  if (match('/configs', path)) return <ConfigsPage />;
  if (match('/configs/new', path)) return <ConfigEditorPage name={undefined} />;
  const config = match('/configs/:name', path);
  if (config) return <ConfigEditorPage name={config.name} />;
  if (match('/nodes', path)) return <NodesPage />;
  if (match('/packages', path)) return <PackagesPage />;
  if (match('/connection-offers', path)) return <ItemListPage kind="offers" title="Connection offers" />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <a href="/">Go to the overview</a>.
      </p>
    </section>
  );
}

const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path.startsWith(href));

/** The shell: skip link, navigation, theme toggle, the page (or the sign-in form when the API asks). */
export function App() {
  const path = location.value.path;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <a class="brand" href="/">
          opamp-nest
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="tools">
          <span class="muted live" title="How this page hears of changes">
            {liveMode.value === 'events' ? 'live' : liveMode.value === 'polling' ? 'polling' : '…'}
          </span>
          <button type="button" class="secondary" onClick={toggleTheme} aria-pressed={theme.value === 'dark'}>
            Dark theme
          </button>
          {adminToken.value && (
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {signInRequired.value ? <SignIn /> : <Page key={path} path={path} />}
      </main>
    </>
  );
}

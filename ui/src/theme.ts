import { effect, signal } from '@preact/signals';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'opamp-nest.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function initial(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return systemDark.matches ? 'dark' : 'light';
}

/** The theme in use: the system's (prefers-color-scheme) until the user picks one with the toggle. */
export const theme = signal<Theme>(initial());

systemDark.addEventListener('change', (event) => {
  if (!localStorage.getItem(STORAGE_KEY)) theme.value = event.matches ? 'dark' : 'light';
});

effect(() => {
  document.documentElement.dataset.theme = theme.value;
});

export function toggleTheme(): void {
  theme.value = theme.value === 'dark' ? 'light' : 'dark';
  localStorage.setItem(STORAGE_KEY, theme.value);
}

/** Dashboard actions: the first snapshot on open; later ones arrive as `metrics.onDidTick` events. */
import { updateSlice } from './app-store.ts';
import { getApi } from './api-binding.ts';
import { snapshotReceived } from './dashboard-slice.ts';

export async function refreshMetrics(): Promise<void> {
  const result = await getApi().metrics.getSnapshot();
  if (result.ok) updateSlice('dashboard', (s) => snapshotReceived(s, result.value));
}

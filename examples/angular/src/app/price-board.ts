import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { describeCloseCode } from 'rxjs-websocket-task';
import { PriceFeed } from './price-feed';

/** The connection state, the last close code and the latest prices. */
@Component({
  selector: 'app-price-board',
  imports: [DecimalPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1>Live prices</h1>
      <dl>
        <dt>Connection</dt>
        <dd data-testid="state">{{ view().state }}</dd>
        <dt>Last close code</dt>
        <dd data-testid="close-code">{{ lastClose() }}</dd>
      </dl>
      @if (view().failure; as failure) {
        <p role="alert" data-testid="failure">Feed stopped: {{ failure }}</p>
      }
      <table data-testid="prices">
        @for (row of rows(); track row.symbol) {
          <tr>
            <th scope="row">{{ row.symbol }}</th>
            <td>{{ row.price | number: '1.2-2' }}</td>
          </tr>
        } @empty {
          <tr><td colspan="2">Waiting for prices…</td></tr>
        }
      </table>
    </main>
  `,
  styles: `
    dl { display: grid; grid-template-columns: max-content auto; gap: 0.25rem 1rem; }
    dd { margin: 0; font-weight: 600; }
    [role='alert'] { color: #b3261e; }
    td { text-align: right; font-variant-numeric: tabular-nums; padding-left: 2rem; }
  `,
})
export class PriceBoard {
  protected readonly view = toSignal(inject(PriceFeed).view$, { requireSync: true });

  protected readonly lastClose = computed(() => {
    const close = this.view().lastClose;
    if (close === undefined) return 'none yet';
    return close.reason === '' ? describeCloseCode(close.code) : `${describeCloseCode(close.code)} “${close.reason}”`;
  });

  protected readonly rows = computed(() =>
    Object.entries(this.view().prices)
      .map(([symbol, price]) => ({ symbol, price }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol)),
  );
}

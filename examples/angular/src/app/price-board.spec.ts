import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { CloseCode } from 'rxjs-websocket-task';
import { PriceBoard } from './price-board';
import { PriceFeed, type PriceBoardView } from './price-feed';

describe('PriceBoard', () => {
  const view$ = new BehaviorSubject<PriceBoardView>({ state: 'idle', lastClose: undefined, prices: {}, failure: undefined });

  async function render() {
    TestBed.configureTestingModule({ imports: [PriceBoard], providers: [{ provide: PriceFeed, useValue: { view$ } }] });
    const fixture = TestBed.createComponent(PriceBoard);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const text = (testId: string) => element.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim();
    return { fixture, text };
  }

  it('shows the connection state and "none yet" before any close', async () => {
    view$.next({ state: 'open', lastClose: undefined, prices: { ETH: 20, BTC: 100 }, failure: undefined });
    const { text } = await render();
    expect(text('state')).toBe('open');
    expect(text('close-code')).toBe('none yet');
    expect(text('prices')).toMatch(/BTC\s*100\.00\s*ETH\s*20\.00/);
  });

  it('shows the last close code by name and number, with its reason', async () => {
    const { fixture, text } = await render();
    view$.next({ state: 'reconnecting', lastClose: { code: CloseCode.goingAway, reason: 'deploy' }, prices: {}, failure: undefined });
    await fixture.whenStable();
    expect(text('state')).toBe('reconnecting');
    expect(text('close-code')).toBe('goingAway (1001) “deploy”');
  });

  it('shows why the feed stopped', async () => {
    const { fixture, text } = await render();
    view$.next({ state: 'closed', lastClose: { code: 4001, reason: '' }, prices: {}, failure: 'ERR_CLOSED_BY_PEER: 4001 (private)' });
    await fixture.whenStable();
    expect(text('close-code')).toBe('4001 (private)');
    expect(text('failure')).toBe('Feed stopped: ERR_CLOSED_BY_PEER: 4001 (private)');
  });
});

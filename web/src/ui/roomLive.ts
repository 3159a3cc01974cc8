// A room's participant list kept live: loaded from the API, then updated from its Server-Sent
// Events; reloaded when the event stream reconnects (events may have been missed) or when a join
// event lacks a name. Used by the join page (room token) and the dashboard (admin token). Main thread.

import { Api } from '../lib/api';
import { EVENT_TYPES, empty, reduce, reloaded, type ParticipantsState, type RoomEvent } from '../lib/participants';

export interface RoomLiveListener {
  changed(state: ParticipantsState, event: RoomEvent | null): void;
  /** The list could not be loaded (e.g. the server has no API); the text says why. */
  unavailable(why: string): void;
}

export class RoomLive {
  state: ParticipantsState = empty;
  private events: EventSource | null = null;
  private reloadTimer: number | undefined;
  private stopped = false;

  private expectedMisses = 0;
  /** One per reload under way: the events received since it asked, to apply again on its answer. */
  private readonly eventsDuringReloads = new Set<RoomEvent[]>();

  /**
   * @param expected a participant that must be in the list (our own call: the server may list it a
   *                 moment after answering); the list is reloaded a few times until it shows up
   */
  constructor(private readonly api: Api, readonly room: string, private readonly listener: RoomLiveListener,
    private readonly expected: string | null = null) {
  }

  start(): void {
    void this.reload();
    const source = new EventSource(this.api.eventsUrl(this.room));
    this.events = source;
    // Each (re)connection may have missed events: reload the list once it is subscribed.
    source.addEventListener('open', () => this.scheduleReload());
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (e) => this.onEvent((e as MessageEvent).data));
    }
  }

  private onEvent(data: string): void {
    let event: RoomEvent;
    try {
      event = JSON.parse(data) as RoomEvent;
    } catch {
      return; // not JSON: nothing the page can use
    }
    if (event.room !== undefined && event.room !== this.room) {
      return;
    }
    this.state = reduce(this.state, event);
    this.eventsDuringReloads.forEach((events) => events.push(event));
    if (event.type === 'participant.joined' && typeof event.name !== 'string') {
      this.scheduleReload();
    }
    this.listener.changed(this.state, event);
  }

  scheduleReload(delayMs = 300): void {
    window.clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => void this.reload(), delayMs);
  }

  async reload(): Promise<void> {
    const meanwhile: RoomEvent[] = [];
    this.eventsDuringReloads.add(meanwhile);
    try {
      const [list, info] = await Promise.all([
        this.api.participants(this.room),
        this.api.roomInfo(this.room).catch(() => null),
      ]);
      if (this.stopped) {
        return;
      }
      this.state = reloaded(this.state, list, info, meanwhile);
      this.listener.changed(this.state, null);
      if (this.expected && !this.state.byId[this.expected] && this.expectedMisses++ < 5) {
        this.scheduleReload(1000);
      }
    } catch (e) {
      if (this.stopped) {
        return;
      }
      if (this.expected && this.expectedMisses++ < 5) {
        this.scheduleReload(1000); // our room may open a moment after the call was answered
      } else {
        this.listener.unavailable(e instanceof Error ? e.message : String(e));
      }
    } finally {
      this.eventsDuringReloads.delete(meanwhile);
    }
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.reloadTimer);
    this.events?.close();
    this.events = null;
  }
}

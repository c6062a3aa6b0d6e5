/** Fans events out to every connected UI: Electron windows, WebSocket clients, tests. */
import type { EventName, EventPayload, EventSink } from '../../shared/events';

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  /** Adds a sink; returns the function that removes it. */
  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  readonly emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch (error) {
        // One closed window or socket must not keep the others from hearing.
        console.warn(`biascope: an event sink failed on ${event}:`, error);
      }
    }
  };
}

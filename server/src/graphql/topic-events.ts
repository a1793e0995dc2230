// A topic's events as a subscription source, for subscriptions that load per event (sync runs,
// one meeting); the lobby's shared fan-out is services/lobby.
import { Repeater } from 'graphql-yoga';
import type { DomainEvent } from '../domain/events.js';
import type { EventBus } from '../engines/events.js';

export function topicEvents(events: EventBus, topic: string): AsyncIterable<DomainEvent> {
  return new Repeater<DomainEvent>(async (push, stop) => {
    const unsubscribe = await events.subscribe(topic, (event) => {
      void push(event);
    });
    await stop;
    await unsubscribe();
  });
}

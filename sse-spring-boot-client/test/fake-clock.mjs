/**
 * A clock that moves only when the test says so: the client's timers fire in advance(), in
 * the order they are due, and after each the promises and stream reads it started settle.
 */
export function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  const due = (until) => [...timers.entries()]
    .filter(([, timer]) => timer.at <= until)
    .sort(([a, first], [b, second]) => first.at - second.at || a - b)[0];
  return {
    now: () => now,
    setTimeout: (callback, milliseconds) => {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, milliseconds), callback });
      return id;
    },
    clearTimeout: (id) => {
      timers.delete(id);
    },
    /** Lets what is under way settle, without moving the clock. */
    settle: () => settled(),
    /** Moves the clock on, firing each timer due on the way. */
    async advance(milliseconds) {
      const until = now + milliseconds;
      await settled();
      for (let next = due(until); next; next = due(until)) {
        const [id, timer] = next;
        timers.delete(id);
        now = timer.at;
        timer.callback();
        await settled();
      }
      now = until;
    }
  };
}

/**
 * One turn of the event loop, no time: fetch answers, stream reads and token promises are
 * microtasks, and Node runs every one of them, also those they queue, before the turn ends.
 */
function settled() {
  return new Promise((resolve) => setImmediate(resolve));
}

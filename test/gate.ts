/**
 * A promise a test settles by hand: `wait` resolves once `open` is called (with `open`'s value). For
 * holding a spied-on call until the test has done what must happen meanwhile.
 *
 * @example const held = gate(); spy.mockImplementationOnce(async () => { await held.wait; }); …; held.open();
 */
export function gate<T = void>(): { wait: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const wait = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

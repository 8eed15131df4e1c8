import { describe, expect, it } from '@jest/globals';
import { ListenerSet } from '../../src/common/listener-set.js';

describe('ListenerSet', () => {
  it('calls listeners in order, skips one that throws after reporting it, and removes them', () => {
    const errors: Array<[unknown, number]> = [];
    const set = new ListenerSet<number>((error, event) => errors.push([error, event]));
    const heard: string[] = [];
    set.add((n) => heard.push(`a${n}`));
    const boom = new Error('boom');
    const removeThrowing = set.add(() => {
      throw boom;
    });
    const removeC = set.add((n) => heard.push(`c${n}`));

    set.emit(1);
    removeThrowing();
    removeC();
    set.emit(2);

    expect(heard).toEqual(['a1', 'c1', 'a2']);
    expect(errors).toEqual([[boom, 1]]);
  });

  it('delivers an event to the listeners present when it was emitted, even if one unsubscribes another', () => {
    const set = new ListenerSet<string>(() => undefined);
    const heard: string[] = [];
    let removeSecond = (): void => undefined;
    set.add(() => removeSecond());
    removeSecond = set.add((event) => heard.push(event));
    set.emit('first');
    set.emit('second');
    expect(heard).toEqual(['first']);
  });
});

import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';

describe('the password policy (NIST SP 800-63B)', () => {
  it.each([
    ['aaaaaaaaaaaa', 'repeats one or two characters'],
    ['abababababab', 'repeats one or two characters'],
    ['            ', 'is only spaces'],
    ['abcdefghijkl', 'is a sequence of characters'],
    ['987654321098'.slice(0, 10), 'is a sequence of characters'],
    ['password1234', 'is one of the most common passwords, found in breaches'],
    ['Password1234', 'is one of the most common passwords, found in breaches'],
    ['123456789012', 'is one of the most common passwords, found in breaches'],
    ['qwertyuiop12', 'is one of the most common passwords, found in breaches'],
  ])('refuses %j: it %s', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it('refuses a password that contains the user name, and takes a long uncommon one', () => {
    expect(passwordProblem('nurse.amina-2026', 'nurse.amina')).toBe('contains the user name');
    expect(passwordProblem('chai at the clinic gate')).toBeUndefined();
    expect(passwordProblem('demo-password-123')).toBeUndefined();
  });
});

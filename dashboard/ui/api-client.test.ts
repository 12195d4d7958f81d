import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from './api-client.ts';

const refused = (message: string) => new ApiError(400, 'PUT', '/api/x', message);

describe('errorText', () => {
  it("shows the server's message as a sentence", () => {
    expect(errorText(refused('wrong user name or password'))).toBe('Wrong user name or password');
    expect(errorText(refused("patient 'P-1002' is not in your care teams"))).toBe(
      "Patient 'P-1002' is not in your care teams",
    );
  });

  it('leaves a message that starts with a rule or field name exactly as written', () => {
    expect(errorText(refused('general.spo2_low: clear.level: clear level 94 % must be above'))).toBe(
      'general.spo2_low: clear.level: clear level 94 % must be above',
    );
    expect(errorText(refused('body.id: expected 2-32 lowercase letters'))).toBe(
      'body.id: expected 2-32 lowercase letters',
    );
  });

  it('says when the fault is in the page rather than the server', () => {
    expect(errorText(new TypeError('x is undefined'))).toBe(
      'Something went wrong in this page: x is undefined',
    );
  });
});

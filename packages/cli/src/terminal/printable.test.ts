import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it('shows ESC, CR, BEL, DEL and C1 bytes in a file name as \\xNN instead of sending them to the terminal', () => {
    expect(printable('a\u001b[2Jb\rc\u0007d\u007fe\u009bf.jpg')).toBe('a\\x1b[2Jb\\x0dc\\x07d\\x7fe\\x9bf.jpg');
  });

  it('shows bidi overrides, which make a name read differently from what it is', () => {
    expect(printable('photo\u202Egpj.exe')).toBe('photo\\u202egpj.exe');
  });

  it('keeps the line feeds and tabs of our own formatting, and can escape line feeds too', () => {
    expect(printable('x.jpg\n   91.0%\tcat')).toBe('x.jpg\n   91.0%\tcat');
    expect(printable('a\nb', { keepNewlines: false })).toBe('a\\x0ab');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(printable('Grüße 猫 🐱.png')).toBe('Grüße 猫 🐱.png');
  });
});

import { foldText } from '../../src/shared/text';

describe('folding text for comparison, search and sorting', () => {
  it('when a letter decomposes into a base letter and accents, then the accents go and the case with them', () => {
    expect(foldText('José Álvaro Núñez Müller')).toBe('jose alvaro nunez muller');
    expect(foldText('Jose\u0301')).toBe(foldText('José'));
    expect(foldText('Việt İstanbul')).toBe('viet istanbul');
  });

  it('when a letter carries its mark inside it (a stroke, a ligature), then it folds to the letters people type for it', () => {
    expect(foldText('Łukasz Żółć')).toBe('lukasz zolc');
    expect(foldText('Søren Ørsted')).toBe('soren orsted');
    expect(foldText('Straße ẞ')).toBe('strasse ss');
    expect(foldText('Æsir Cæsar Œuvre cœur')).toBe('aesir caesar oeuvre coeur');
    expect(foldText('Đorđe Ðóra Þór')).toBe('dorde dora thor');
    expect(foldText('ılık Ħal Ŧ')).toBe('ilik hal t');
  });

  it('when a Greek word ends in a final sigma, then it folds like the sigma inside a word', () => {
    expect(foldText('Οδυσσεύς')).toBe(foldText('ΟΔΥΣΣΕΥΣ'));
  });

  it('when a character stands on its own, then it is kept as written', () => {
    expect(foldText('a^b@x.io')).toBe('a^b@x.io');
    expect(foldText('l·l ´ ` ー')).toBe('l·l ´ ` ー');
    expect(foldText('田中 محمد 😀')).toBe('田中 محمد 😀');
  });
});

import { withoutEventHandlers } from '../../console/src/contact/without-event-handlers';

describe("a note's raw HTML before it is parsed", () => {
  it('when a tag holds event handlers, then they go, however they are quoted or separated, and the rest of the tag stays', () => {
    expect(withoutEventHandlers('<img src="x" onerror="alert(1)">')).toBe('<img src="x" >');
    expect(withoutEventHandlers("<img src=x onError='alert(1)' alt=y>")).toBe('<img src=x  alt=y>');
    expect(withoutEventHandlers('<img/onerror=alert(1)>')).toBe('<img/>');
    expect(withoutEventHandlers('<img src="x"onload=alert(1)>')).toBe('<img src="x">');
    expect(withoutEventHandlers('<svg onload = "a()" ><b onclick=b()>x</b></svg>')).toBe('<svg  ><b >x</b></svg>');
  });

  it('when text between tags reads like a handler, then it is left as written', () => {
    expect(withoutEventHandlers('<p>call on=monday</p>')).toBe('<p>call on=monday</p>');
    expect(withoutEventHandlers('<a href="https://x.test/?on=1" title="one">x</a>')).toBe('<a href="https://x.test/?on=1" title="one">x</a>');
  });
});

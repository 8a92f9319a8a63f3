import { withoutInlineCode } from '../../console/src/contact/without-inline-code';

describe("a note's raw HTML before it is parsed", () => {
  it('when a tag holds event handlers, then they go, however they are quoted or separated, and the rest of the tag stays', () => {
    expect(withoutInlineCode('<img src="x" onerror="alert(1)">')).toBe('<img src="x" >');
    expect(withoutInlineCode("<img src=x onError='alert(1)' alt=y>")).toBe('<img src=x  alt=y>');
    expect(withoutInlineCode('<img/onerror=alert(1)>')).toBe('<img/>');
    expect(withoutInlineCode('<img src="x"onload=alert(1)>')).toBe('<img src="x">');
    expect(withoutInlineCode('<svg onload = "a()" ><b onclick=b()>x</b></svg>')).toBe('<svg  ><b >x</b></svg>');
  });

  it('when a note holds a <style> element or style attributes, then they go (rules and all), and the rest stays', () => {
    expect(withoutInlineCode('<style>body{display:none}</style> plain')).toBe(' plain');
    expect(withoutInlineCode('<STYLE media="all">p{}</Style >')).toBe('');
    expect(withoutInlineCode('<style>never closed')).toBe('');
    expect(withoutInlineCode('</style>')).toBe('');
    expect(withoutInlineCode('<div style="position:fixed;inset:0">cover</div>')).toBe('<div >cover</div>');
    expect(withoutInlineCode("<p title='t' STYLE=color:red>x</p>")).toBe("<p title='t' >x</p>");
  });

  it('when text between tags reads like a handler or a style, then it is left as written', () => {
    expect(withoutInlineCode('<p>style=bold and a stylesheet</p>')).toBe('<p>style=bold and a stylesheet</p>');
    expect(withoutInlineCode('<p>call on=monday</p>')).toBe('<p>call on=monday</p>');
    expect(withoutInlineCode('<a href="https://x.test/?on=1" title="one">x</a>')).toBe('<a href="https://x.test/?on=1" title="one">x</a>');
  });
});

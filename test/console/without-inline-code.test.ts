import { withoutElementContents } from '../../console/src/contact/without-element-contents';
import { withoutInlineCode } from '../../console/src/contact/without-inline-code';

describe("a note's raw HTML before it is parsed", () => {
  it('when a tag holds event handlers, then they go, however they are quoted or separated, and the rest of the tag stays', () => {
    expect(withoutInlineCode('<img src="x" onerror="alert(1)">')).toBe('<img src="x" >');
    expect(withoutInlineCode("<img src=x onError='alert(1)' alt=y>")).toBe('<img src=x  alt=y>');
    expect(withoutInlineCode('<img/onerror=alert(1)>')).toBe('<img/>');
    expect(withoutInlineCode('<img src="x"onload=alert(1)>')).toBe('<img src="x">');
    expect(withoutInlineCode('<svg onload = "a()" ><b onclick=b()>x</b></svg>')).toBe('<svg  ><b >x</b></svg>');
  });

  it('when a tag holds style attributes, then they go, and the rest stays', () => {
    expect(withoutInlineCode('<div style="position:fixed;inset:0">cover</div>')).toBe('<div >cover</div>');
    expect(withoutInlineCode("<p title='t' STYLE=color:red>x</p>")).toBe("<p title='t' >x</p>");
  });

  it('when text between tags reads like a handler or a style, then it is left as written', () => {
    expect(withoutInlineCode('<p>style=bold and a stylesheet</p>')).toBe('<p>style=bold and a stylesheet</p>');
    expect(withoutInlineCode('<p>call on=monday</p>')).toBe('<p>call on=monday</p>');
    expect(withoutInlineCode('<a href="https://x.test/?on=1" title="one">x</a>')).toBe('<a href="https://x.test/?on=1" title="one">x</a>');
  });
});

// <style> elements were taken out here, tag by tag; they go with their content over the whole note now.
describe("a note's rendered HTML before it is sanitized", () => {
  it('when a note holds a <style>, <script> or <template> element, then it goes with its content, and the rest stays', () => {
    expect(withoutElementContents('<p>Hi <style>body{display:none}</style> there</p>')).toBe('<p>Hi  there</p>');
    expect(withoutElementContents('<STYLE media="all">p{}</Style >')).toBe('');
    expect(withoutElementContents('<p>a <script>window.x=1</script><template><b>t</b></template>b</p>')).toBe('<p>a b</p>');
    expect(withoutElementContents('<noscript>n</noscript><textarea>x</textarea><svg><text>s</text></svg>ok')).toBe('ok');
    expect(withoutElementContents('<style>never closed')).toBe('');
    expect(withoutElementContents('</style>kept</script>')).toBe('kept');
  });

  it('when a note holds <base>, <link> or <meta>, then only the tag goes, and the text after it stays', () => {
    expect(withoutElementContents('<p>hola</p>\n<base href="https://evil.example/">\n<p>after</p>')).toBe('<p>hola</p>\n\n<p>after</p>');
    expect(withoutElementContents('<BASE HREF=/x/><link rel=stylesheet href=//evil.example/s.css><meta http-equiv="refresh" content="0;url=//evil.example">kept')).toBe('kept');
    expect(withoutElementContents('<p>a basement, a linked list, a meta-analysis</p><baseline>b</baseline>')).toBe('<p>a basement, a linked list, a meta-analysis</p><baseline>b</baseline>');
  });

  it('when text or other tags only look alike, then they are left as written', () => {
    expect(withoutElementContents('<p>&lt;style&gt;body{}&lt;/style&gt;</p>')).toBe('<p>&lt;style&gt;body{}&lt;/style&gt;</p>');
    expect(withoutElementContents('<stylesheet>x</stylesheet><scripted>y</scripted>')).toBe('<stylesheet>x</stylesheet><scripted>y</scripted>');
    expect(withoutElementContents('<p>a stylish title</p>')).toBe('<p>a stylish title</p>');
  });
});

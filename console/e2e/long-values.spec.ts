import type { Page } from '@playwright/test';
import { createContacts, expect, overflowing, signIn, test } from './support';

// One unbroken value (no space to wrap at) as long as the API takes: 254 characters of name, 255 of company and city.
const LONG_NAME = `Longname${'o'.repeat(246)}`;
const LONG_COMPANY = 'C'.repeat(255);
const LONG_CITY = 'X'.repeat(255);

test.use({ viewport: { width: 1280, height: 800 } });

/** How wide the document is against the window (the e2e files are typed without the DOM: the code is a string). */
const pageWidth = (page: Page) => page.evaluate<{ scroll: number; window: number }>('({ scroll: document.documentElement.scrollWidth, window: window.innerWidth })');
type Box = { scrollWidth: number; clientWidth: number; getBoundingClientRect: () => { width: number; right: number } };

test('when a contact holds long unbroken values, then the list keeps its columns in view, each value cut with the whole of it in a title', async ({ page, account }) => {
  await createContacts(account, [{ name: LONG_NAME, company_name: LONG_COMPANY, city: LONG_CITY, email: 'long@example.com' }, { name: 'Ana Corta', city: 'Lima' }]);
  await signIn(page, account);
  await expect(page.getByTestId('contact-row')).toHaveCount(2);

  const width = await pageWidth(page);
  expect(width.scroll).toBeLessThanOrEqual(width.window);
  // The table fits its box: Labels, the last column, is in view without scrolling sideways.
  const box = await page.locator('.table-scroll').evaluate((el: Box) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(box.scroll).toBeLessThanOrEqual(box.client);
  const row = page.getByTestId('contact-row').filter({ hasText: 'long@example.com' });
  for (const column of [2, 6, 7]) {
    const cellWidth = await row.locator(`td:nth-child(${column})`).evaluate((el: Box) => el.getBoundingClientRect().width);
    expect(cellWidth).toBeLessThanOrEqual(300);
  }
  // The whole value stays readable: the link to the contact and the cells carry it as their title.
  await expect(page.getByRole('link', { name: LONG_NAME })).toHaveAttribute('title', LONG_NAME);
  await expect(row.locator(`[title="${LONG_COMPANY}"]`)).toHaveCount(1);
  await expect(row.locator(`[title="${LONG_CITY}"]`)).toHaveCount(1);
  expect(await overflowing(page)).toEqual([]);
});

// From a black-box audit in Chromium: a box of about 190 px cut an ordinary email on the contact's screen.
test('when a contact is opened at a laptop width, then its email box shows an ordinary email whole', async ({ page, account }) => {
  const email = 'angela.lopez17@ejemplo.com';
  const [id] = await createContacts(account, [{ name: 'Ángela López', email }]);
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, account);
  await page.goto(`/app/#/contact/${id}`);
  const box = page.getByLabel('Email', { exact: true });
  await expect(box).toHaveValue(email);
  expect(await box.evaluate((el: Box) => el.scrollWidth <= el.clientWidth)).toBe(true);
});

test('when a contact with long unbroken values is opened, then its screen is no wider than the window and its name wraps', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: LONG_NAME, company_name: LONG_COMPANY, city: LONG_CITY }]);
  await signIn(page, account);
  await page.goto(`/app/#/contact/${id}`);
  await expect(page.getByRole('heading', { name: LONG_NAME })).toBeVisible();
  await expect(page.getByLabel('Company')).toHaveValue(LONG_COMPANY);

  const width = await pageWidth(page);
  expect(width.scroll).toBeLessThanOrEqual(width.window);
  const heading = await page.getByRole('heading', { name: LONG_NAME }).evaluate((el: Box) => el.getBoundingClientRect().right);
  expect(heading).toBeLessThanOrEqual(width.window);
  expect(await overflowing(page)).toEqual([]);
});

// From a black-box read: a note holding a pasted link, a long word, a code block or a wide table
// made the whole contact screen wider than the window (4,404 px at 1,366), at any width.
test('when a contact has notes with a long link, a long word, a one-line code block and a wide table, then its screen is no wider than the window, at a laptop width and on a phone', async ({ page, account }) => {
  const [id] = await createContacts(account, [{ name: 'Nota Larga' }]);
  const url = `https://ejemplo.com/seguimiento/pedido?id=${'8f14e45f'.repeat(6)}&token=${'c9f0f895'.repeat(6)}&ref=campaña-navidad-2026`;
  const notes = [
    `Ver ${url}`,
    `palabra${'a'.repeat(500)}`,
    `\`\`\`sql\nSELECT ${Array.from({ length: 40 }, (_, i) => `column_${i}`).join(', ')} FROM contacts WHERE account_id = 1;\n\`\`\``,
    `| ${Array.from({ length: 12 }, (_, i) => `heading${i}`).join(' | ')} |\n|${' --- |'.repeat(12)}\n| ${Array.from({ length: 12 }, () => 'valuevaluevalue').join(' | ')} |`,
  ];
  for (const content of notes) expect((await account.api('POST', `/contacts/${id}/notes`, { content })).status).toBe(200);
  await signIn(page, account);
  for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    await page.goto(`/app/#/contact/${id}`);
    await expect(page.getByTestId('note')).toHaveCount(4);
    await expect(page.getByTestId('note').locator('a', { hasText: 'ejemplo.com' })).toBeVisible();
    const width = await pageWidth(page);
    expect(width.scroll).toBeLessThanOrEqual(width.window);
    expect(await overflowing(page)).toEqual([]);
  }
});

// From a black-box read: with every cell allowed to break anywhere, a table with room to spare
// still squeezed its columns below their words, and phone numbers and emails split over two lines.
test('when contacts hold ordinary values, then a laptop-wide list shows each phone, email and country on one line', async ({ page, account }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  const countries = ['Colombia', 'Venezuela', 'Argentina', 'Guatemala'];
  await createContacts(
    account,
    Array.from({ length: 12 }, (_, i) => ({
      name: `María Fernanda Rodríguez ${i}`,
      email: `maria.fernanda.${i}@ejemplo.test`,
      phone_number: `+346002138${String(i).padStart(2, "0")}`,
      additional_attributes: { company_name: `Distribuidora Andina del Pacífico ${i}`, city: 'San José de las Lajas', country: countries[i % 4] },
    })),
  );
  await signIn(page, account);
  await expect(page.getByTestId('contact-row')).toHaveCount(12);
  // A value on one line is less than two lines of its font high.
  type Cell = { textContent: string | null; getBoundingClientRect: () => { height: number } };
  type Window = { getComputedStyle: (el: Cell) => { fontSize: string } };
  const lines = await page
    .locator('.contact-table td:nth-child(3) .cell-value, .contact-table td:nth-child(4) .cell-value, .contact-table td:nth-child(7) .cell-value')
    .evaluateAll((els: Cell[]) => els.map((el) => ({ text: el.textContent, twoLines: el.getBoundingClientRect().height > 1.8 * parseFloat((globalThis as unknown as Window).getComputedStyle(el).fontSize) })));
  expect(lines).toHaveLength(36);
  expect(lines.filter((cell: { twoLines: boolean }) => cell.twoLines)).toEqual([]);
  expect(await overflowing(page)).toEqual([]);
});

// From a black-box read at 1280×800 in English: label chips broke mid-word ("client|e") and dates
// lost their time to the three-line cut ("Mar 22, 2024, 12:00…"), squeezed by contacts named by
// their email, whose whole addresses set the name column's width as the email column's.
test('when contacts are named by long emails and carry labels, then at a laptop width each label is one word on one line, each date shows whole, and a name that is an email breaks after its @', async ({ page, account }) => {
  const people = ['beatriz', 'alvaro', 'fernanda', 'guillermo', 'maximiliano', 'esperanza'];
  await createContacts(
    account,
    people.map((who, i) => ({
      // Half of them have no name: they are listed by their email, in both columns.
      ...(i % 2 ? { name: `${who[0].toUpperCase()}${who.slice(1)} Pérez` } : {}),
      email: `user${240 + i}.${who}@example.com`,
      phone_number: `+3460000447${i}`,
      created_at: Date.UTC(2024, 2, 22, i, 13) / 1000,
      last_activity_at: Date.UTC(2024, 2, 21, 12 + i, 0) / 1000,
      additional_attributes: { company_name: 'Ébano Ltd', city: 'Córdoba', country: 'Colombia' },
      labels: i % 2 ? ['renombrada', 'cliente'] : ['soporte', 'segtag', 'vip'],
    })),
  );
  await signIn(page, account);
  await expect(page.getByTestId('contact-row')).toHaveCount(people.length);

  // Ten columns of long emails may be wider than 1,042 pixels: the table then scrolls in its box, not the page.
  const width = await pageWidth(page);
  expect(width.scroll).toBeLessThanOrEqual(width.window);
  const nameWidth = await page.getByRole('link', { name: 'user244.maximiliano@example.com' }).evaluate((el: Box) => el.getBoundingClientRect().width);
  const emailWidth = await page.getByTestId('contact-row').filter({ hasText: 'user244' }).locator('td:nth-child(3) .cell-value').evaluate((el: Box) => el.getBoundingClientRect().width);
  expect(nameWidth).toBeLessThan(0.8 * emailWidth);
  type Shown = { textContent: string | null; scrollHeight: number; clientHeight: number; getBoundingClientRect: () => { height: number } };
  type Window = { getComputedStyle: (el: Shown) => { fontSize: string } };
  const chips = await page
    .locator('.contact-table .chip')
    .evaluateAll((els: Shown[]) => els.map((el) => ({ text: el.textContent, twoLines: el.getBoundingClientRect().height > 1.8 * parseFloat((globalThis as unknown as Window).getComputedStyle(el).fontSize) })));
  expect(chips.length).toBeGreaterThan(0);
  expect(chips.filter((chip: { twoLines: boolean }) => chip.twoLines)).toEqual([]);
  // Last activity and Created at: nothing of the value is cut off.
  const dates = await page
    .locator('.contact-table td:nth-child(8) .cell-value, .contact-table td:nth-child(9) .cell-value')
    .evaluateAll((els: Shown[]) => els.map((el) => ({ text: el.textContent, cut: el.scrollHeight > el.clientHeight + 1 })));
  expect(dates).toHaveLength(2 * people.length);
  expect(dates.filter((date: { cut: boolean }) => date.cut)).toEqual([]);
  expect(await overflowing(page)).toEqual([]);
});

// The "Searching …" line of a one-word search did not wrap (the page 1,894 px wide in a 1,280 px
// window), and a search past the API's 255 characters offered a Retry that could only fail.
test('when a long search of one word is typed, then the page stays as wide as the window and the box takes no more than the API reads', async ({ page, account }) => {
  await createContacts(account, [{ name: 'Somebody' }]);
  await signIn(page, account);
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('x'.repeat(300));
  await expect(search).toHaveValue('x'.repeat(255));
  await expect(page.getByTestId('search-scope')).toBeVisible();
  const { scroll, window } = await pageWidth(page);
  expect(scroll).toBeLessThanOrEqual(window);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

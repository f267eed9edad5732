import { describe, expect, it } from 'vitest';
import { fitLayout, needsRelayout, parseFigure, PLOTLY_RANK, themedLayout } from '../src/model/plotly';

// What the kernel's PlotlyFigures writes for tablesaw's LinePlot.create("Sine", table, "x", "y").
const linePlot = {
  data: [{ x: ['0.0', '1.0', '2.0'], y: ['0.0', '0.84', '0.91'], mode: 'lines', xaxis: 'x', yaxis: 'y', type: 'scatter' }],
  layout: { title: { text: 'Sine' }, height: 600, width: 800, xaxis: { title: { text: 'x' } }, yaxis: { title: { text: 'y' } } }
};

describe('plotly figure documents', () => {
  it('accepts what the kernel sends and keeps traces as they are', () => {
    const doc = parseFigure(linePlot);
    expect(typeof doc).toBe('object');
    if (typeof doc === 'string') return;
    expect(doc.data).toEqual(linePlot.data);
    expect(doc.layout.title).toEqual({ text: 'Sine' });
    expect(doc.config).toEqual({});
  });
  it('turns plotly.js 1 string titles into the objects plotly.js 3+ needs', () => {
    const doc = parseFigure({ data: [], layout: { title: 'old', xaxis: { title: 'epoch' }, yaxis2: { title: 'loss' } } });
    if (typeof doc === 'string') throw new Error(doc);
    expect(doc.layout.title).toEqual({ text: 'old' });
    expect(doc.layout.xaxis).toEqual({ title: { text: 'epoch' } });
    expect(doc.layout.yaxis2).toEqual({ title: { text: 'loss' } });
  });
  it('explains documents it cannot draw', () => {
    expect(parseFigure('<div>')).toMatch(/Not a plotly figure/);
    expect(parseFigure({ data: 'x' })).toMatch(/"data" must be a list/);
    expect(parseFigure({ data: [1, 2] })).toMatch(/"data" must be a list of traces/);
    expect(parseFigure({ data: [], layout: [] })).toMatch(/"layout" must be an object/);
  });
});

describe('sizing in the output area', () => {
  it('fills a narrow area but never grows past the width the figure asked for', () => {
    expect(fitLayout(linePlot.layout, 500)).toMatchObject({ width: 500, height: 600, autosize: false });
    expect(fitLayout(linePlot.layout, 1400).width).toBe(800);
    expect(fitLayout({}, 1000)).toMatchObject({ width: 1000, height: 450 });
    expect(fitLayout({}, 50).width).toBe(200);
    expect(fitLayout({}, 0).width).toBe(700); // not laid out yet
  });
  it('relayouts only when the drawn width would change', () => {
    expect(needsRelayout(linePlot.layout, 800, 1200)).toBe(false);
    expect(needsRelayout(linePlot.layout, 800, 600)).toBe(true);
    expect(needsRelayout(linePlot.layout, 600, 600.5)).toBe(false);
  });
});

describe('renderer rank', () => {
  it('puts plotly ahead of the HTML (50), SVG (80) and PNG (90) fallbacks and of the tensor viewer (10)', () => {
    expect(PLOTLY_RANK).toBeLessThan(10);
  });
});

describe('theme', () => {
  const dark = { dark: true, font: '#eeeeee', grid: '#333333' };
  it('leaves light themes to plotly and follows a dark one where the figure says nothing', () => {
    expect(themedLayout(linePlot.layout, { ...dark, dark: false })).toBe(linePlot.layout);
    const themed = themedLayout(linePlot.layout, dark);
    expect(themed).toMatchObject({ paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', font: { color: '#eeeeee' } });
    expect(themed.xaxis).toEqual({ title: { text: 'x' }, gridcolor: '#333333', zerolinecolor: '#333333' });
    expect(linePlot.layout.xaxis).toEqual({ title: { text: 'x' } }); // the figure itself is not changed
  });
  it('keeps colours the figure sets', () => {
    const themed = themedLayout({ paper_bgcolor: 'white', font: { color: 'black', size: 14 }, yaxis: { gridcolor: 'red' } }, dark);
    expect(themed).toMatchObject({ paper_bgcolor: 'white', font: { color: 'black', size: 14 }, yaxis: { gridcolor: 'red', zerolinecolor: '#333333' } });
  });
});

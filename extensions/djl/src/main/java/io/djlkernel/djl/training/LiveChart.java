package io.djlkernel.djl.training;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.render.ImageArrays;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A training listener that draws loss and accuracy (a PNG made with Java2D) in the cell and redraws it in place
 * every epoch and every {@code everyBatches} batches (at most every {@value #MIN_REDRAW_MILLIS} ms).
 * It evaluates the trainer's loss and its first accuracy-like evaluator on each batch's predictions itself,
 * so it works with any training config.
 */
public final class LiveChart implements TrainingListener {
    static final long MIN_REDRAW_MILLIS = 250;
    static final int WIDTH = 760;
    static final int HEIGHT = 300;

    private final int everyBatches;
    private final List<double[]> batchLoss = new ArrayList<>();      // {x (epochs, fractional), loss}
    private final List<double[]> epochTrainLoss = new ArrayList<>();
    private final List<double[]> epochValLoss = new ArrayList<>();
    private final List<double[]> epochTrainAcc = new ArrayList<>();
    private final List<double[]> epochValAcc = new ArrayList<>();
    private double sumLoss;
    private double sumAcc;
    private int nTrain;
    private int nAccTrain;
    private double sumValLoss;
    private double sumValAcc;
    private int nVal;
    private int nAccVal;
    private int epoch;
    private int batchInEpoch;
    private int batchesPerEpoch = -1;
    private String displayId;
    private long lastDraw;
    private int draws;
    private String accuracyName;

    public LiveChart() {
        this(20);
    }

    public LiveChart(int everyBatches) {
        this.everyBatches = Math.max(1, everyBatches);
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        draw(true);
    }

    @Override
    public synchronized void onTrainingBatch(Trainer trainer, BatchData batchData) {
        double[] la = evaluate(trainer, batchData);
        if (!Double.isNaN(la[0])) {
            sumLoss += la[0];
            nTrain++;
            batchLoss.add(new double[]{epoch, batchInEpoch, la[0]});
        }
        if (!Double.isNaN(la[1])) {
            sumAcc += la[1];
            nAccTrain++;
        }
        batchInEpoch++;
        if (batchInEpoch % everyBatches == 0) draw(false);
    }

    @Override
    public synchronized void onValidationBatch(Trainer trainer, BatchData batchData) {
        double[] la = evaluate(trainer, batchData);
        if (!Double.isNaN(la[0])) {
            sumValLoss += la[0];
            nVal++;
        }
        if (!Double.isNaN(la[1])) {
            sumValAcc += la[1];
            nAccVal++;
        }
    }

    @Override
    public synchronized void onEpoch(Trainer trainer) {
        epoch++;
        if (nTrain > 0) epochTrainLoss.add(new double[]{epoch, sumLoss / nTrain});
        if (nAccTrain > 0) epochTrainAcc.add(new double[]{epoch, sumAcc / nAccTrain});
        if (nVal > 0) epochValLoss.add(new double[]{epoch, sumValLoss / nVal});
        if (nAccVal > 0) epochValAcc.add(new double[]{epoch, sumValAcc / nAccVal});
        if (batchesPerEpoch < 0) batchesPerEpoch = batchInEpoch;
        sumLoss = sumAcc = sumValLoss = sumValAcc = 0;
        nTrain = nAccTrain = nVal = nAccVal = 0;
        batchInEpoch = 0;
        draw(true);
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        draw(true);
    }

    /** Batch losses at fractional epochs (the first epoch's length is known once it ends). */
    private List<double[]> batchPoints() {
        double perEpoch = batchesPerEpoch > 0 ? batchesPerEpoch : Math.max(1, batchInEpoch);
        List<double[]> out = new ArrayList<>(batchLoss.size());
        for (double[] b : batchLoss) out.add(new double[]{b[0] + (b[1] + 1) / perEpoch, b[2]});
        return out;
    }

    /** {loss, accuracy} of one batch, averaged over devices; NaN where unknown. */
    private double[] evaluate(Trainer trainer, BatchData batchData) {
        BatchMetrics metrics = BatchMetrics.of(trainer, batchData);
        if (metrics.accuracyName() != null) accuracyName = metrics.accuracyName();
        return new double[]{metrics.loss(), metrics.accuracy()};
    }

    /** How many times the chart was drawn. */
    public synchronized int draws() {
        return draws;
    }

    /** The epochs' mean training losses so far. */
    public synchronized List<Double> epochLosses() {
        List<Double> out = new ArrayList<>();
        for (double[] p : epochTrainLoss) out.add(p[1]);
        return out;
    }

    private void draw(boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastDraw < MIN_REDRAW_MILLIS) return;
        lastDraw = now;
        MimeBundle bundle = bundle();
        draws++;
        try {
            if (displayId == null) displayId = Display.display(bundle);
            else Display.updateDisplay(displayId, bundle);
        } catch (IllegalStateException notInKernel) {
            // no kernel to show it in
        }
    }

    synchronized MimeBundle bundle() {
        BufferedImage image = render();
        StringBuilder text = new StringBuilder("epoch " + epoch);
        if (!epochTrainLoss.isEmpty()) text.append(String.format(" · train loss %.4f", last(epochTrainLoss)));
        if (!epochValLoss.isEmpty()) text.append(String.format(" · val loss %.4f", last(epochValLoss)));
        if (!epochTrainAcc.isEmpty()) text.append(String.format(" · train %s %.4f", accName(), last(epochTrainAcc)));
        if (!epochValAcc.isEmpty()) text.append(String.format(" · val %s %.4f", accName(), last(epochValAcc)));
        return MimeBundle.of(MimeBundle.IMAGE_PNG, ImageArrays.pngBase64(image)).put(MimeBundle.TEXT_PLAIN, text.toString());
    }

    private String accName() {
        return accuracyName == null ? "accuracy" : accuracyName;
    }

    private static double last(List<double[]> series) {
        return series.get(series.size() - 1)[1];
    }

    BufferedImage render() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int half = WIDTH / 2;
            panel(g, 0, half, "loss", new Series[]{
                    new Series("train (batches)", batchPoints(), new Color(0x9ecae1), false),
                    new Series("train", epochTrainLoss, new Color(0x1f77b4), true),
                    new Series("validation", epochValLoss, new Color(0xff7f0e), true)});
            panel(g, half, half, accName(), new Series[]{
                    new Series("train", epochTrainAcc, new Color(0x1f77b4), true),
                    new Series("validation", epochValAcc, new Color(0xff7f0e), true)});
        } finally {
            g.dispose();
        }
        return img;
    }

    private record Series(String name, List<double[]> points, Color color, boolean markers) {
    }

    private void panel(Graphics2D g, int x0, int w, String title, Series[] series) {
        int left = x0 + 50;
        int right = x0 + w - 15;
        int top = 25;
        int bottom = HEIGHT - 35;
        double minX = 0;
        double maxX = Math.max(1, epoch);
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points) {
                if (!Double.isFinite(p[1])) continue;
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
                maxX = Math.max(maxX, p[0]);
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(title + (epoch > 0 ? "  (epoch " + epoch + ")" : ""), left, 15);
        g.setColor(new Color(0xdddddd));
        g.drawRect(left, top, right - left, bottom - top);
        if (minY > maxY) {
            g.setColor(Color.GRAY);
            g.drawString("waiting for data…", left + 10, (top + bottom) / 2);
            return;
        }
        if (maxY - minY < 1e-12) {
            maxY += 0.5;
            minY -= 0.5;
        }
        double pad = (maxY - minY) * 0.05;
        minY -= pad;
        maxY += pad;
        g.setColor(Color.GRAY);
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            int y = bottom - (int) Math.round((v - minY) / (maxY - minY) * (bottom - top));
            g.drawString(String.format("%.3g", v), x0 + 4, y + 4);
            g.setColor(new Color(0xeeeeee));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.GRAY);
        }
        g.drawString("epoch", (left + right) / 2 - 15, HEIGHT - 8);
        for (int e = 0; e <= (int) maxX; e += Math.max(1, (int) maxX / 10)) {
            int x = left + (int) Math.round((e - minX) / (maxX - minX) * (right - left));
            g.drawString(Integer.toString(e), x - 3, bottom + 14);
        }
        int legendY = top + 14;
        for (Series s : series) {
            if (s.points.isEmpty()) continue;
            g.setColor(s.color);
            g.setStroke(new BasicStroke(s.markers ? 2f : 1f));
            int px = -1;
            int py = -1;
            for (double[] p : s.points) {
                if (!Double.isFinite(p[1])) continue;
                int x = left + (int) Math.round((p[0] - minX) / (maxX - minX) * (right - left));
                int y = bottom - (int) Math.round((p[1] - minY) / (maxY - minY) * (bottom - top));
                if (px >= 0) g.drawLine(px, py, x, y);
                if (s.markers) g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.drawLine(right - 110, legendY - 4, right - 95, legendY - 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.name, right - 90, legendY);
            legendY += 14;
        }
        g.setStroke(new BasicStroke(1f));
    }
}

package io.djlkernel.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code serve} comes from the DJL extension through the Subcommand SPI; its words reach it unparsed. */
class ServeSubcommandTest {
    @Test
    void serveIsFoundAndGetsItsOwnArguments() {
        CommandLine cl = Main.newCommandLine(Map.of(), System.getProperty("java.io.tmpdir"));
        assertTrue(cl.getSubcommands().containsKey("serve"), "subcommands: " + cl.getSubcommands().keySet());
        assertEquals(2, cl.execute("serve", "--port", "not-a-number", "--model", "m.pt"));
        assertEquals(0, cl.execute("serve", "--help"));
        assertEquals(1, cl.execute("serve", "--model", "/no/such/model.pt", "--port", "0"));
    }
}

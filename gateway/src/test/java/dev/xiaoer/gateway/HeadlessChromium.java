package dev.xiaoer.gateway;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's Chromium and its matching driver, headless, named explicitly so that Selenium Manager never runs (it would
 * try to download drivers and send statistics); the flags keep it from calling out to the network.
 */
final class HeadlessChromium {

    private static final String DRIVER = "/usr/bin/chromedriver";
    private static final String BROWSER = "/usr/bin/chromium";

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path userDataDir) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=zh-CN",
                "--user-data-dir=" + userDataDir.toAbsolutePath());
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }
}

package io.mlco2.it.jobs;

/** The start-up benchmark's job: a {@code main} that does nothing but print one line. */
public final class TrivialMain {

    public static void main(String[] args) {
        System.out.println("hello");
    }
}

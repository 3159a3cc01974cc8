package dev.mcu.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The ordered {@code a=} lines of a session or a media section. Names compare without case. */
public final class Attributes {
    private final List<Attribute> list = new ArrayList<>();

    public List<Attribute> asList() {
        return Collections.unmodifiableList(list);
    }

    public Attributes add(Attribute attribute) {
        list.add(attribute);
        return this;
    }

    public Attributes add(String name, String value) {
        return add(new Attribute(name, value));
    }

    public Attributes addProperty(String name) {
        return add(Attribute.property(name));
    }

    public boolean has(String name) {
        return first(name).isPresent();
    }

    public Optional<Attribute> first(String name) {
        for (Attribute a : list) {
            if (a.name().equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The value of the first attribute with this name; empty also for a property attribute. */
    public Optional<String> value(String name) {
        return first(name).map(Attribute::value);
    }

    public List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (Attribute a : list) {
            if (a.name().equalsIgnoreCase(name) && a.value() != null) {
                out.add(a.value());
            }
        }
        return out;
    }

    public void removeAll(String name) {
        list.removeIf(a -> a.name().equalsIgnoreCase(name));
    }

    /** Replaces the first attribute of this name in place (keeping its position), or appends. */
    public void set(String name, String value) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).name().equalsIgnoreCase(name)) {
                list.set(i, new Attribute(name, value));
                list.subList(i + 1, list.size()).removeIf(a -> a.name().equalsIgnoreCase(name));
                return;
            }
        }
        add(name, value);
    }

    /** Puts {@code with} where the first match was, drops the other matches; appends when none. */
    public void replace(Predicate<Attribute> which, Attribute with) {
        int at = -1;
        for (int i = 0; i < list.size(); i++) {
            if (which.test(list.get(i))) {
                if (at < 0) {
                    list.set(i, with);
                    at = i;
                } else {
                    list.remove(i--);
                }
            }
        }
        if (at < 0) {
            list.add(with);
        }
    }

    public int size() {
        return list.size();
    }
}

# Build:  docker build -t mcu .
# Run:    docker run --network host -v mcu-data:/opt/mcu/data mcu --set sip.advertisedAddress=192.168.1.10
# (the address phones and browsers can reach; host networking keeps SIP and the RTP port range
#  simple, otherwise publish the ports below and advertise the host's address.)
# The admin token of the API is generated at first start into /opt/mcu/data/mcu-admin.token
# (docker run --rm -v mcu-data:/opt/mcu/data busybox cat /opt/mcu/data/mcu-admin.token), or set it
# with --set admin.token=...
# media.ioEngine=io_uring needs a seccomp profile that allows the io_uring_* system calls
# (--security-opt seccomp=<file>): Docker's default one forbids them (auto takes epoll anyway).
FROM maven:3.9-eclipse-temurin-17 AS build
# g++: the decoder module builds its tile-fit kernel (decoder/src/main/native) through JavaCPP.
RUN apt-get update && apt-get install -y --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, in their own layer: a change to the sources does not download them again.
COPY pom.xml ./
COPY .mvn .mvn
COPY media/pom.xml media/
COPY layouts/pom.xml layouts/
COPY decoder/pom.xml decoder/
COPY encoder/pom.xml encoder/
COPY mixer/pom.xml mixer/
COPY webrtc/pom.xml webrtc/
COPY sdp/pom.xml sdp/
COPY transport/pom.xml transport/
COPY sip-gateway/pom.xml sip-gateway/
COPY conference/pom.xml conference/
COPY egress/pom.xml egress/
COPY mcu-app/pom.xml mcu-app/
COPY benchmarks/pom.xml benchmarks/
COPY fuzz/pom.xml fuzz/
RUN mvn -B -q -pl mcu-app -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN mvn -B -q -DskipTests -pl mcu-app -am package

FROM eclipse-temurin:17-jre
# curl for the health check; a font for the names on the tiles; a user of its own: the server needs no
# root (its ports are above 1024).
RUN apt-get update && apt-get install -y --no-install-recommends curl fontconfig fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && groupadd --system mcu && useradd --system --gid mcu --home-dir /opt/mcu --shell /usr/sbin/nologin mcu \
    && mkdir -p /opt/mcu/data && chown -R mcu:mcu /opt/mcu
WORKDIR /opt/mcu
COPY --from=build /src/mcu-app/target/mcu-app.jar /opt/mcu/mcu-app.jar
# SIP (UDP, TCP), SIP over WS and WSS, the join page and API (HTTP, HTTPS), browsers' media, phones' RTP/RTCP.
EXPOSE 5060/udp 5060/tcp 5061/tcp 8088/tcp 8089/tcp 8080/tcp 8443/tcp 40000/udp 30000-39999/udp
# The TLS certificate and the admin token (generated at first start unless you supply them) live
# in a volume, so they survive a new container and browsers need to accept the certificate once.
VOLUME /opt/mcu/data
USER mcu
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# SIGTERM (docker stop) drains: no new rooms, calls go on for shutdown.graceSeconds, then hang up.
# docker stop waits 10 s by default: give it longer (docker stop -t 40) or lower shutdown.graceSeconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/opt/mcu/mcu-app.jar", "--set", "sip.address=0.0.0.0", "--set", "tls.keystore=/opt/mcu/data/mcu-tls.p12"]

# Build:  docker build -t mcu .
# Run:    docker run --network host mcu --set sip.advertisedAddress=192.168.1.10
# (the address phones and browsers can reach; host networking keeps SIP and the RTP port range
#  simple, otherwise publish the ports below and advertise the host's address.)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl mcu-app -am package

FROM eclipse-temurin:17-jre
WORKDIR /opt/mcu
COPY --from=build /src/mcu-app/target/mcu-app.jar /opt/mcu/mcu-app.jar
# SIP (UDP, TCP), SIP over WS and WSS, the join page (HTTP, HTTPS), browsers' media, phones' RTP/RTCP.
EXPOSE 5060/udp 5060/tcp 8088/tcp 8089/tcp 8080/tcp 8443/tcp 40000/udp 30000-39999/udp
# The TLS certificate (generated at first start unless you supply one) lives in a volume, so it
# survives a new container and browsers need to accept it only once.
VOLUME /opt/mcu/tls
ENTRYPOINT ["java", "-jar", "/opt/mcu/mcu-app.jar", "--set", "sip.address=0.0.0.0", "--set", "tls.keystore=/opt/mcu/tls/mcu-tls.p12"]
